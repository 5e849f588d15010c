/**
 * `oms deploy k8s` covers the catalog: every function is in exactly one rendered unit, and a
 * new domain — the `loyalty` fixture of test/fixtures/domains, with a gRPC method, a consumer
 * and a setting — appears with its own units without any change to the renderer; every bundle a
 * Deployment runs is one `oms build` makes.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { FUNCTIONS_DIR, listFunctionFiles } from '../runtime/catalog.ts'
import { type DeployK8s, renderK8s } from '../runtime/deploy/k8s/deploy-k8s.ts'

const FIXTURE_DOMAINS = join(import.meta.dirname, 'fixtures', 'domains')

interface Obj {
  kind: string
  metadata: { name: string; annotations?: Record<string, string> }
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes JSON
  spec?: any
  data?: Record<string, string>
}
const objects = (r: DeployK8s) => r.files.flatMap((f) => f.objects) as unknown as Obj[]
const deployments = (r: DeployK8s) => objects(r).filter((o) => o.kind === 'Deployment')
const hosted = (d: Obj) => d.metadata.annotations?.['oms/functions']?.split(',') ?? []
const named = (r: DeployK8s, kind: string, name: string) =>
  objects(r).find((o) => o.kind === kind && o.metadata.name === name)

describe('the rendered set covers the catalog', () => {
  let withFixture: DeployK8s
  let plain: DeployK8s
  beforeAll(async () => {
    const env = { LOYALTY_POINTS_PER_ORDER: '25' }
    withFixture = await renderK8s({ dirs: [FUNCTIONS_DIR, FIXTURE_DOMAINS], env })
    plain = await renderK8s({ env: {} })
  })

  it('every function of the catalog is in exactly one unit', async () => {
    for (const [r, dirs] of [
      [withFixture, [FUNCTIONS_DIR, FIXTURE_DOMAINS]],
      [plain, [FUNCTIONS_DIR]],
    ] as const) {
      const names = (await Promise.all(dirs.map((d) => listFunctionFiles(d))))
        .flat()
        .map((f) => f.name)
      const placed = deployments(r).flatMap(hosted)
      expect([...placed].sort()).toEqual([...names].sort())
      expect(new Set(placed).size).toBe(placed.length)
    }
  })

  it('a domain added beside the others gets its units, with no renderer change', () => {
    expect(plain.units.some((u) => u.domain === 'loyalty')).toBe(false)
    // Its consumer: a Deployment of its own bundle, scaled from zero on its own queue.
    const consumer = deployments(withFixture).find((d) =>
      hosted(d).includes('loyalty.on-order-ready'),
    )
    expect(hosted(consumer as Obj)).toEqual(['loyalty.on-order-ready'])
    expect(consumer?.spec.template.spec.containers[0].args).toEqual([
      'dist/loyalty.on-order-ready.mjs',
    ])
    const scaler = named(withFixture, 'ScaledObject', consumer?.metadata.name ?? '')
    expect(scaler?.spec.minReplicaCount).toBe(0)
    expect(scaler?.spec.triggers[0].metadata).toMatchObject({
      protocol: 'http',
      queueName: 'oms.loyalty.on-order-ready',
    })
    // Its gRPC method: the domain's serving unit, reachable through its headless Service.
    const serving = deployments(withFixture).find((d) => hosted(d).includes('loyalty.get-points'))
    expect(serving?.metadata.name).toBe('loyalty')
    expect(serving?.spec.template.spec.containers[0].args).toEqual(['dist/serve/loyalty.mjs'])
    expect(named(withFixture, 'Service', 'loyalty-grpc')?.spec.clusterIP).toBe('None')
    expect(named(withFixture, 'HorizontalPodAutoscaler', 'loyalty')?.spec.minReplicas).toBe(1)
    expect(named(withFixture, 'PodDisruptionBudget', 'loyalty')).toBeDefined()
    const config = named(withFixture, 'ConfigMap', 'oms-config')?.data ?? {}
    expect(config.OMS_ADDRESSES?.split(',')).toContain('loyalty=loyalty-grpc:50051')
    // Its setting, set where the command runs, is in the ConfigMap.
    expect(config.LOYALTY_POINTS_PER_ORDER).toBe('25')
    expect(withFixture.files.map((f) => f.file)).toEqual(
      expect.arrayContaining(['loyalty.yaml', `${consumer?.metadata.name}.yaml`]),
    )
  })

  describe('with the bundles of oms build', () => {
    let dist: string
    beforeAll(async () => {
      dist = await mkdtemp(join(tmpdir(), 'oms-k8s-dist-'))
      await buildBundles({ outDir: dist })
    }, 120_000)
    afterAll(() => rm(dist, { recursive: true, force: true }))

    it('every Deployment runs a bundle the build made', () => {
      for (const d of deployments(plain)) {
        const [bundle] = d.spec.template.spec.containers[0].args as string[]
        expect(bundle?.startsWith('dist/'), d.metadata.name).toBe(true)
        expect(existsSync(join(dist, (bundle ?? '').slice('dist/'.length))), bundle).toBe(true)
      }
    })
  })
})
