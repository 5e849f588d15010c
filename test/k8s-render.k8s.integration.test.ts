/**
 * Every manifest `oms deploy k8s` renders passes a server-side dry run (`kubectl apply
 * --dry-run=server --validate=strict`) against a real kube-apiserver with KEDA's CRDs and
 * admission webhooks (test/servers/kubernetes.ts): with Kubernetes DNS discovery, from the
 * folder of files the command writes, and with Consul, as one stream. The dry run is strict
 * enough to refuse a rendered object with a field Kubernetes does not know.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DeployK8s, k8sStream, renderK8s, writeK8s } from '../runtime/deploy/k8s/deploy-k8s.ts'
import { toYaml } from '../runtime/deploy/k8s/render.ts'
import {
  KubectlError,
  type KubernetesCluster,
  kubernetesUnavailable,
  startKubernetes,
} from './servers/kubernetes.ts'

const skip = kubernetesUnavailable()

/** What a production shell might hold when rendering (values never reach the manifests). */
const ENV = {
  AMQP_URL: 'amqp://oms:secret-amqp@rabbitmq:5672',
  MONGODB_URI: 'mongodb://oms:secret-mongo@mongo:27017/oms',
  OMS_INTERNAL_TOKEN: 'x'.repeat(40),
  PUBLIC_URL: 'https://shop.example.com',
  LOG_LEVEL: 'info',
}

const DRY_RUN = ['apply', '--dry-run=server', '--validate=strict']

/** `kind/name` of every object, as kubectl names them in its answer. */
const expectedLines = (r: DeployK8s) =>
  r.files
    .flatMap((f) => f.objects as { apiVersion: string; kind: string; metadata: { name: string } }[])
    .map((o) => {
      const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : ''
      return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`
    })

describe.skipIf(skip)('the rendered manifests on a real API server', () => {
  let k8s: KubernetesCluster
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oms-k8s-render-'))
    k8s = await startKubernetes({ nodes: 1 })
    // Namespaced objects are checked only in a namespace that exists.
    await k8s.kubectl(['create', 'namespace', 'oms'])
    await k8s.kubectl(['create', 'namespace', 'oms-consul'])
  }, 240_000)
  afterAll(async () => {
    await k8s?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  }, 60_000)

  it('accepts every object rendered for Kubernetes DNS, applied from the folder written', async () => {
    const rendered = await renderK8s({ env: ENV })
    await writeK8s(rendered, dir)
    const out = await k8s.kubectl([...DRY_RUN, '-f', dir])
    for (const line of expectedLines(rendered))
      expect(out, line).toMatch(
        new RegExp(`^${line} (created|configured|unchanged) \\(server dry run\\)$`, 'm'),
      )
    expect(out.trim().split('\n')).toHaveLength(expectedLines(rendered).length)
    // A dry run: nothing was made.
    expect(await k8s.kubectl(['get', 'deployments,scaledobjects', '-n', 'oms', '-o', 'name'])).toBe(
      '',
    )
  }, 120_000)

  it('accepts every object rendered for Consul, as one stream', async () => {
    const rendered = await renderK8s({
      env: ENV,
      namespace: 'oms-consul',
      discovery: 'consul',
      consulAddr: 'consul.infra:8500',
      image: 'registry.example.com/oms-functions:1.2.3',
    })
    const out = await k8s.kubectl([...DRY_RUN, '-f', '-'], k8sStream(rendered))
    for (const line of expectedLines(rendered))
      expect(out, line).toMatch(
        new RegExp(`^${line} (created|configured|unchanged) \\(server dry run\\)$`, 'm'),
      )
  }, 120_000)

  it('is strict: a rendered Deployment with a field Kubernetes does not know is refused', async () => {
    const rendered = await renderK8s({ env: ENV })
    const file = rendered.files.find((f) => f.unit?.kind === 'consumer')
    const deployment = file?.objects.find((o) => o.kind === 'Deployment') as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } }
    }
    ;(deployment.spec.template.spec.containers[0] as Record<string, unknown>).probe = {}
    const refused = await k8s
      .kubectl([...DRY_RUN, '-f', '-'], toYaml(file as NonNullable<typeof file>))
      .catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(KubectlError)
    expect((refused as KubectlError).stderr).toMatch(
      /unknown field "spec.template.spec.containers\[0\].probe"/,
    )
  }, 60_000)
})
