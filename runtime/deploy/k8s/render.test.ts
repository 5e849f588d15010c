/**
 * The Kubernetes renderer over the real catalog: names, labels and selectors that hold
 * together, every Deployment with probes, resources and a grace period covering the runtime's
 * drain, no secret value anywhere, a ScaledObject per consumer on its own queue (from zero,
 * through the management API), HPAs with a floor and PDBs for the serving units, and addresses
 * (OMS_ADDRESSES) that lead each peer to the Service of the unit hosting it.
 */

import { beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import * as z from 'zod'
import { topology } from '../../adapters/bus/amqp/topology.ts'
import { memoryDocuments } from '../../adapters/documents/memory/memory-documents.ts'
import { staticRegistry } from '../../adapters/registry/static-registry.ts'
import { domainsOf, loadFunctions } from '../../catalog.ts'
import { STOP_TIMEOUT_MS } from '../../cli/shutdown.ts'
import { RUNTIME_SETTINGS } from '../../config/runtime-settings.ts'
import type { LoadedFunction } from '../../model/define.ts'
import { domain } from '../../model/domain.ts'
import { topic } from '../../model/topic.ts'
import { RUNTIME_NAMESPACE } from '../../queue/handled-events.ts'
import { JOBS, jobList } from '../../worker/job-list.ts'
import { type DeployK8s, formatSummary, k8sStream, renderK8s } from './deploy-k8s.ts'
import {
  DEFAULT_HANDLER_MS,
  MANAGEMENT_URL_KEY,
  planDeployment,
  queueTarget,
  terminationGraceSeconds,
} from './plan.ts'
import { renderPlan, toYaml } from './render.ts'

type Obj = {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kubernetes JSON, checked field by field
  spec?: any
  data?: Record<string, string>
}

/** Values of a production-like environment: the secret ones must appear nowhere. */
const SECRETS = {
  AMQP_URL: 'amqp://oms:amqp-Pa55word-9f2c@rabbitmq:5672/shop',
  MONGODB_URI: 'mongodb://oms:mongo-Pa55word-4d1e@mongo:27017/shopdb?authSource=admin',
  OMS_INTERNAL_TOKEN: 'internal-token-0123456789abcdef0123456789abcdef',
  ADMIN_TOKEN: 'admin-token-fedcba9876543210',
  STAFF_TOKEN: 'staff-token-0a1b2c3d4e5f6a7b',
  STRIPE_SECRET_KEY: 'sk_test_51SecretStripeKeyValue',
  STRIPE_WEBHOOK_SECRET: 'whsec_webhookSecretValue0123456789',
}
const ENV = {
  ...SECRETS,
  AMQP_NAMESPACE: 'shop',
  PUBLIC_URL: 'https://shop.example.com',
  PREFETCH: '8',
  LOG_LEVEL: 'debug',
  // Never rendered: the cluster's ports, files and development switches are the renderer's.
  PORT: '3000',
  OMS_STORE_FILE: '/home/dev/.oms/store.json',
  OMS_DASHBOARD: 'true',
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

let functions: LoadedFunction[]
let dns: DeployK8s
let consul: DeployK8s

const all = (r: DeployK8s) => r.files.flatMap((f) => f.objects) as Obj[]
const ofKind = (r: DeployK8s, kind: string) => all(r).filter((o) => o.kind === kind)
const named = (r: DeployK8s, kind: string, name: string) =>
  ofKind(r, kind).find((o) => o.metadata.name === name)
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)
const podLabels = (d: Obj): Record<string, string> => d.spec.template.metadata.labels
const containerOf = (d: Obj) => d.spec.template.spec.containers[0]
/** The unit (Deployment) hosting a function, from its annotation. */
const deploymentOf = (r: DeployK8s, fn: string) =>
  ofKind(r, 'Deployment').filter((d) =>
    d.metadata.annotations?.['oms/functions']?.split(',').includes(fn),
  )

beforeAll(async () => {
  functions = await loadFunctions()
  dns = await renderK8s({ env: ENV })
  consul = await renderK8s({ env: ENV, discovery: 'consul', consulAddr: 'consul.infra:8500' })
})

describe('oms deploy k8s renders', () => {
  it('objects whose names are DNS labels, in the namespace, each name once per kind', () => {
    for (const r of [dns, consul]) {
      const seen = new Set<string>()
      for (const o of all(r)) {
        expect(o.metadata.name, `${o.kind} ${o.metadata.name}`).toMatch(DNS_1123_LABEL)
        expect(o.metadata.name.length).toBeLessThanOrEqual(63)
        if (o.kind === 'Service') expect(o.metadata.name).toMatch(DNS_1035_LABEL)
        if (o.kind === 'Namespace') expect(o.metadata.namespace).toBeUndefined()
        else expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe('oms')
        const key = `${o.kind}/${o.metadata.name}`
        expect(seen.has(key), key).toBe(false)
        seen.add(key)
      }
      // KEDA names its HPA keda-hpa-<name>: that must still be a valid name.
      for (const s of ofKind(r, 'ScaledObject'))
        expect(`keda-hpa-${s.metadata.name}`.length).toBeLessThanOrEqual(63)
    }
  })

  it('selectors that pick exactly their own unit’s pods, and targets that exist', () => {
    for (const r of [dns, consul]) {
      const deployments = ofKind(r, 'Deployment')
      for (const d of deployments) {
        const selector = d.spec.selector.matchLabels
        expect(selects(selector, podLabels(d)), d.metadata.name).toBe(true)
        const others = deployments.filter((e) => e !== d && selects(selector, podLabels(e)))
        expect(others.map((e) => e.metadata.name)).toEqual([])
      }
      for (const o of [...ofKind(r, 'Service'), ...ofKind(r, 'PodDisruptionBudget')]) {
        const selector = o.kind === 'Service' ? o.spec.selector : o.spec.selector.matchLabels
        const picked = deployments.filter((d) => selects(selector, podLabels(d)))
        expect(picked, `${o.kind} ${o.metadata.name}`).toHaveLength(1)
        if (o.kind === 'Service')
          for (const p of o.spec.ports) {
            const ports = containerOf(picked[0] as Obj).ports.map((c: { name: string }) => c.name)
            expect(ports, `${o.metadata.name} ${p.name}`).toContain(p.targetPort)
          }
      }
      for (const o of [...ofKind(r, 'HorizontalPodAutoscaler'), ...ofKind(r, 'ScaledObject')]) {
        expect(o.spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment')
        expect(named(r, 'Deployment', o.spec.scaleTargetRef.name), o.metadata.name).toBeDefined()
      }
    }
  })

  it('every Deployment with both probes, resources, a grace period over the drain, no replicas', () => {
    for (const d of ofKind(dns, 'Deployment')) {
      const c = containerOf(d)
      const name = d.metadata.name
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        expect(probe, name).toBeDefined()
        if (probe.httpGet) expect(probe.httpGet).toEqual({ path: '/healthz', port: 'http' })
        else expect(probe.grpc, name).toEqual({ port: 50051 })
      }
      // HTTP units are probed over HTTP; the others through gRPC health, on the port they serve it.
      const ports = c.ports.map((p: { name: string }) => p.name)
      expect(ports).toContain(c.readinessProbe.httpGet ? 'http' : 'grpc')
      for (const group of ['requests', 'limits'])
        for (const r of ['cpu', 'memory'])
          expect(c.resources?.[group]?.[r], `${name} ${group}.${r}`).toBeDefined()
      const grace = d.spec.template.spec.terminationGracePeriodSeconds
      const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0
      expect(grace).toBeGreaterThan(STOP_TIMEOUT_MS / 1000 + preStop)
      expect(grace).toBe(terminationGraceSeconds(preStop > 0, 10_000))
      // A unit behind a Service pauses before SIGTERM, so its endpoints go first.
      const served = ofKind(dns, 'Service').some((s) => selects(s.spec.selector, podLabels(d)))
      expect(preStop > 0, name).toBe(served)
      // The HPA or KEDA owns the replica count; a rendered count would fight it on each apply.
      expect(d.spec.replicas).toBeUndefined()
      expect(c.args).toEqual([d.metadata.annotations?.['oms/bundle']])
      expect(c.args[0]).toMatch(/^dist\/(serve\/[a-z0-9-]+|[a-z0-9-]+\.[a-z0-9-]+)\.mjs$/)
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'oms-config' } }])
    }
  })

  it('no secret value in any manifest; secrets only as references to the Secret', () => {
    for (const r of [dns, consul]) {
      const text = k8sStream(r)
      for (const [key, value] of Object.entries(SECRETS)) {
        expect(text.includes(value), key).toBe(false)
        // Nor the password inside a URL.
        const password = /:\/\/[^:]+:([^@]+)@/.exec(value)?.[1]
        if (password) expect(text.includes(password), `${key}'s password`).toBe(false)
      }
      // The scan would find values that are rendered: the non-secret ones are.
      expect(text).toContain(ENV.PUBLIC_URL)
      const config = named(r, 'ConfigMap', 'oms-config')?.data ?? {}
      expect(config).toMatchObject({
        AMQP_NAMESPACE: 'shop',
        PUBLIC_URL: ENV.PUBLIC_URL,
        PREFETCH: '8',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
      })
      for (const key of [...Object.keys(SECRETS), 'PORT', 'OMS_STORE_FILE', 'OMS_DASHBOARD'])
        expect(config, key).not.toHaveProperty(key)
      expect(ofKind(r, 'Secret')).toEqual([])
      for (const d of ofKind(r, 'Deployment'))
        for (const e of containerOf(d).env) {
          if (e.name in SECRETS)
            expect(e.valueFrom.secretKeyRef, `${d.metadata.name} ${e.name}`).toEqual({
              name: 'oms-secrets',
              key: e.name,
              optional: expect.any(Boolean),
            })
          else expect(['PORT', 'GRPC_PORT', 'METRICS_PORT', 'ADVERTISE_HOST']).toContain(e.name)
        }
    }
  })

  it('pods get the secrets they need and no more: the store’s only where data is kept', () => {
    const secretsOf = (d: Obj) =>
      containerOf(d)
        .env.filter((e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef)
        .map((e: { name: string; valueFrom: { secretKeyRef: { optional: boolean } } }) => ({
          name: e.name,
          required: !e.valueFrom.secretKeyRef.optional,
        }))
    for (const d of ofKind(dns, 'Deployment')) {
      const fns = functions.filter((f) => deploymentOf(dns, f.name).includes(d))
      const got = secretsOf(d)
      const names = got.map((s: { name: string }) => s.name)
      expect(names).toEqual(expect.arrayContaining(['AMQP_URL', 'OMS_INTERNAL_TOKEN']))
      const keepsData = fns.some(
        (f) => f.def.domain.spec.data || f.def.kind === 'consumer' || f.def.kind === 'worker',
      )
      expect(names.includes('MONGODB_URI'), d.metadata.name).toBe(keepsData)
      // A domain's own secret settings reach its pods only.
      const own = new Set(
        fns.flatMap((f) =>
          Object.values(f.def.domain.spec.settings ?? {})
            .filter((s) => s.secret)
            .map((s) => s.env),
        ),
      )
      for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])
        expect(names.includes(key), `${d.metadata.name} ${key}`).toBe(own.has(key))
      for (const s of got)
        if (['AMQP_URL', 'MONGODB_URI', 'OMS_INTERNAL_TOKEN'].includes(s.name))
          expect(s.required, `${d.metadata.name} ${s.name}`).toBe(true)
    }
  })

  it('a ScaledObject per consumer on its own queue: from zero, on the first message, unacked counted', () => {
    const names = topology('shop')
    const consumers = functions.filter((f) => f.def.kind === 'consumer')
    expect(consumers.length).toBeGreaterThan(0)
    for (const fn of consumers) {
      const [d, ...more] = deploymentOf(dns, fn.name)
      expect(more, fn.name).toEqual([])
      expect(d?.metadata.annotations).toMatchObject({ 'oms/functions': fn.name })
      expect(containerOf(d as Obj).args).toEqual([`dist/${fn.name}.mjs`])
      const scaled = ofKind(dns, 'ScaledObject').filter(
        (s) => s.spec.scaleTargetRef.name === d?.metadata.name,
      )
      expect(scaled, fn.name).toHaveLength(1)
      const spec = scaled[0]?.spec
      expect(spec.minReplicaCount).toBe(0)
      expect(spec.maxReplicaCount).toBeGreaterThan(1)
      expect(spec.cooldownPeriod).toBeGreaterThan(0)
      expect(spec.pollingInterval).toBeGreaterThan(0)
      expect(spec.triggers).toEqual([
        {
          type: 'rabbitmq',
          name: 'queue',
          metadata: {
            protocol: 'http',
            mode: 'QueueLength',
            queueName: names.queue(fn.name),
            value: String(queueTarget(8, DEFAULT_HANDLER_MS, 10)),
            activationValue: '0',
          },
          authenticationRef: { name: 'oms-rabbitmq' },
        },
      ])
      expect(named(dns, 'PodDisruptionBudget', d?.metadata.name ?? '')).toBeDefined()
    }
    // Its authentication reads the management API's URL from the Secret.
    expect(named(dns, 'TriggerAuthentication', 'oms-rabbitmq')?.spec).toEqual({
      secretTargetRef: [{ parameter: 'host', name: 'oms-secrets', key: MANAGEMENT_URL_KEY }],
    })
  })

  it("a worker scaled on its jobs not done — the very documents the runtime's job list writes", async () => {
    const workers = functions.filter((f) => f.def.kind === 'worker')
    expect(workers.length).toBeGreaterThan(0)
    for (const fn of workers) {
      const [d] = deploymentOf(dns, fn.name)
      const so = ofKind(dns, 'ScaledObject').find(
        (s) => s.spec.scaleTargetRef.name === d?.metadata.name,
      )
      const [jobs, intake] = so?.spec.triggers ?? []
      expect(jobs).toMatchObject({
        type: 'mongodb',
        authenticationRef: { name: 'oms-mongodb' },
        metadata: { dbName: 'shopdb', collection: `${RUNTIME_NAMESPACE}.${JOBS.name}` },
      })
      expect(intake.metadata).toMatchObject({ protocol: 'http', queueName: `shop.${fn.name}` })
      // The query counts a job while it is queued or running, not once done.
      const query = JSON.parse(jobs.metadata.query) as { queue: string; state: { $in: string[] } }
      const store = memoryDocuments()
      await store.prepare(RUNTIME_NAMESPACE, [JOBS])
      const list = jobList(store, fn.name)
      const raw = store.collection<{ _id: string; queue: string; state: string }>(
        RUNTIME_NAMESPACE,
        JOBS,
      )
      const counted = async () => {
        const doc = await raw.get(`${fn.name}/job-1`)
        return doc?.queue === query.queue && query.state.$in.includes(doc.state)
      }
      await list.enqueue('job-1', '{}')
      expect(await counted()).toBe(true)
      await list.claim('owner', 1, 30_000)
      expect(await counted()).toBe(true)
      await list.complete('job-1', 'owner')
      expect(await counted()).toBe(false)
    }
    expect(named(dns, 'TriggerAuthentication', 'oms-mongodb')?.spec).toEqual({
      secretTargetRef: [{ parameter: 'connectionString', name: 'oms-secrets', key: 'MONGODB_URI' }],
    })
  })

  it("says which database a worker's jobs are counted in when MONGODB_URI is not set where it renders", () => {
    // KEDA is given the database by name; the pods read it from the Secret's URI.
    expect(dns.plan.notes.join('\n')).not.toMatch(/MONGODB_URI/)
    const { MONGODB_URI: _, ...withoutUri } = ENV
    const plan = planDeployment(functions, domainsOf(functions), withoutUri)
    const dbNames = renderPlan(plan)
      .flatMap((f) => f.objects as Obj[])
      .filter((o) => o.kind === 'ScaledObject')
      .flatMap((o) => o.spec.triggers)
      .filter((t: { type: string }) => t.type === 'mongodb')
      .map((t: { metadata: { dbName: string } }) => t.metadata.dbName)
    expect(dbNames.length).toBeGreaterThan(0)
    expect(new Set(dbNames)).toEqual(new Set(['oms']))
    expect(plan.notes).toContainEqual(
      expect.stringMatching(/^MONGODB_URI is not set: .* counts its jobs in database oms; /),
    )
    // Nothing to say without a worker.
    const noWorker = functions.filter((f) => f.def.kind !== 'worker')
    expect(planDeployment(noWorker, domainsOf(noWorker), withoutUri).notes.join('\n')).not.toMatch(
      /MONGODB_URI/,
    )
  })

  it('serving units with a Service, an HPA with a floor of one, and a PDB', () => {
    const serving = ofKind(dns, 'Deployment').filter((d) => podLabels(d)['oms/kind'] === 'serving')
    expect(serving.length).toBeGreaterThan(0)
    for (const d of serving) {
      const name = d.metadata.name
      const hpa = named(dns, 'HorizontalPodAutoscaler', name)
      expect(hpa?.apiVersion).toBe('autoscaling/v2')
      expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(1)
      expect(hpa?.spec.maxReplicas).toBeGreaterThanOrEqual(hpa?.spec.minReplicas)
      expect(hpa?.spec.metrics[0].resource.name).toBe('cpu')
      expect(named(dns, 'PodDisruptionBudget', name)?.spec.maxUnavailable).toBe(1)
      expect(named(dns, 'Service', name)?.spec.type).toBe('ClusterIP')
      expect(named(dns, 'ScaledObject', name)).toBeUndefined()
      const http = containerOf(d).ports.some((p: { name: string }) => p.name === 'http')
      if (http)
        expect(named(dns, 'Service', name)?.spec.ports).toContainEqual(
          expect.objectContaining({ name: 'http', port: 8080 }),
        )
    }
    for (const fn of functions.filter((f) => ['http', 'grpc', 'schedule'].includes(f.def.kind))) {
      const [d, ...more] = deploymentOf(dns, fn.name)
      expect(more).toEqual([])
      expect(d?.metadata.name, fn.name).toBe(fn.domain)
    }
  })

  it('addresses (OMS_ADDRESSES) that lead every peer to a Service of the unit hosting it', async () => {
    const text = named(dns, 'ConfigMap', 'oms-config')?.data?.OMS_ADDRESSES ?? ''
    const addresses = RUNTIME_SETTINGS.addresses.schema.parse(text)
    const registry = staticRegistry(addresses)
    const peers = functions.filter((f) => f.def.kind === 'grpc' || f.def.kind === 'http')
    for (const fn of peers) {
      const [instance] = await registry.resolve(fn.name)
      expect(instance, fn.name).toBeDefined()
      const service = named(dns, 'Service', instance?.host ?? '')
      expect(service, `${fn.name} → ${instance?.host}`).toBeDefined()
      const port = service?.spec.ports.find((p: { port: number }) => p.port === instance?.port)
      expect(port?.name, fn.name).toBe(fn.def.kind)
      const [d] = deploymentOf(dns, fn.name)
      expect(selects(service?.spec.selector, podLabels(d as Obj)), fn.name).toBe(true)
      // gRPC goes to the headless Service: one record per ready pod, balanced per call.
      if (fn.def.kind === 'grpc') expect(service?.spec.clusterIP).toBe('None')
    }
  })

  it('a termination grace that outlasts SHUTDOWN_GRACE_MS: pause, drain, give up and close, then a margin', async () => {
    const long = await renderK8s({ env: { ...ENV, SHUTDOWN_GRACE_MS: '60000' } })
    expect(named(long, 'ConfigMap', 'oms-config')?.data?.SHUTDOWN_GRACE_MS).toBe('60000')
    for (const d of ofKind(long, 'Deployment')) {
      const preStop = containerOf(d).lifecycle?.preStop?.sleep?.seconds ?? 0
      // 60 s of drain, 5 s to give up what is left and close, 5 s of margin.
      expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(preStop + 60 + 5 + 5)
    }
  })

  it('with --discovery consul: the agent and each pod’s own address, no static map or headless Services', () => {
    const config = named(consul, 'ConfigMap', 'oms-config')?.data ?? {}
    expect(config.CONSUL_HTTP_ADDR).toBe('consul.infra:8500')
    expect(config).not.toHaveProperty('OMS_ADDRESSES')
    expect(ofKind(consul, 'Service').filter((s) => s.spec.clusterIP === 'None')).toEqual([])
    for (const d of ofKind(consul, 'Deployment'))
      expect(containerOf(d).env).toContainEqual({
        name: 'ADVERTISE_HOST',
        valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
      })
    expect(
      ofKind(dns, 'Deployment').flatMap((d) =>
        containerOf(d).env.map((e: { name: string }) => e.name),
      ),
    ).not.toContain('ADVERTISE_HOST')
  })

  it('files of YAML that read back as the objects: the namespace first, then the configuration', () => {
    const [first, second, ...units] = dns.files
    expect(first?.file).toBe('00-namespace.yaml')
    expect(second?.file).toBe('01-config.yaml')
    expect(units.map((f) => f.file)).toEqual(dns.units.map((u) => `${u.name}.yaml`))
    for (const f of dns.files) {
      const docs = parseAllDocuments(toYaml(f)).map((d) => d.toJS())
      expect(docs).toEqual(f.objects)
    }
    expect(parseAllDocuments(k8sStream(dns))).toHaveLength(all(dns).length)
  })

  it('only the selected units, with the shared objects and every peer’s address still', async () => {
    const consumer = functions.find((f) => f.def.kind === 'consumer') as LoadedFunction
    const some = await renderK8s({ env: ENV, selectors: [consumer.domain] })
    expect(some.units.length).toBeGreaterThan(0)
    expect(some.units.every((u) => u.domain === consumer.domain)).toBe(true)
    expect(some.units.map((u) => u.name)).toEqual(
      dns.units.filter((u) => u.domain === consumer.domain).map((u) => u.name),
    )
    expect(named(some, 'ConfigMap', 'oms-config')?.data).toEqual(
      named(dns, 'ConfigMap', 'oms-config')?.data,
    )
    const one = await renderK8s({ env: ENV, selectors: [consumer.name] })
    expect(one.units.map((u) => u.functions.map((f) => f.name))).toEqual([[consumer.name]])
  })

  it('a summary naming each unit, its kind, functions and scaling, and the Secret to create', () => {
    const text = formatSummary(dns, 'deploy/k8s')
    for (const u of dns.units) expect(text).toMatch(new RegExp(`^${u.name} +${u.kind} `, 'm'))
    expect(text).toContain('kubectl -n oms create secret generic oms-secrets')
    for (const key of ['AMQP_URL', 'MONGODB_URI', 'OMS_INTERNAL_TOKEN', MANAGEMENT_URL_KEY])
      expect(text).toContain(`--from-literal=${key}=`)
    for (const value of Object.values(SECRETS)) expect(text.includes(value)).toBe(false)
  })
})

describe('the scaling target of a consumer', () => {
  it('is prefetch × ⌈drain window / handler time⌉, between one and ten prefetch windows', () => {
    expect(queueTarget(32, 100, 10)).toBe(320)
    expect(queueTarget(32, 5000, 10)).toBe(64)
    expect(queueTarget(32, 30_000, 10)).toBe(32)
    expect(queueTarget(1, 2000, 10)).toBe(5)
    expect(queueTarget(4, 2500, 10)).toBe(16)
  })

  it("comes from the consumer's declared prefetch and handler time, and the drain window", () => {
    const ev = topic('thing.happened', z.object({ id: z.string() }))
    const billing = domain('billing')
    const fns: LoadedFunction[] = [
      {
        name: 'billing.slow',
        domain: 'billing',
        def: billing.consumer(ev, async () => {}, { prefetch: 4, expectedHandlerMs: 2500 }),
      },
      { name: 'billing.quick', domain: 'billing', def: billing.consumer(ev, async () => {}) },
    ]
    const plan = planDeployment(fns, domainsOf(fns), {}, { drainWindowSeconds: 20 })
    const targets = Object.fromEntries(
      plan.units.map((u) => [u.name, u.kind === 'consumer' ? u.scaling.queue : undefined]),
    )
    expect(targets['billing--slow']).toMatchObject({
      queue: 'oms.billing.slow',
      prefetch: 4,
      handlerMs: 2500,
      targetPerReplica: 32,
    })
    // Unset: PREFETCH's default, 100 ms, capped at ten prefetch windows.
    expect(targets['billing--quick']).toMatchObject({ prefetch: 32, targetPerReplica: 320 })
    const slow = renderPlan(plan)
      .flatMap((f) => f.objects as Obj[])
      .find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'billing--slow')
    expect(slow?.spec.triggers[0].metadata.value).toBe('32')
  })

  it('refuses a setting value the pods would refuse', () => {
    expect(() => planDeployment([], [], { PREFETCH: 'lots' })).toThrow(/PREFETCH/)
  })
})
