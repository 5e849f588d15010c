/**
 * End to end on a real control plane (test/servers/kubernetes.ts: KWOK nodes, the real KEDA
 * operator and metrics adapter): everything `oms deploy k8s` renders, applied for real, scales
 * as the README says on the local RabbitMQ (a vhost of its own) and MongoDB (FerretDB).
 *
 * KWOK pods run no process, so the test does what the pods would: it declares the consumers'
 * queues with the runtime's own bus (as each process does when it starts) and queues the
 * kitchen worker's jobs with the runtime's own job list. Then, for the first consumer unit of
 * the rendered set: the Deployment goes from its first pod to 0 once the initial cooldown is
 * over; one message scales it 0 → 1; a backlog of N scales it to ⌈N / value⌉ (value read from
 * its rendered ScaledObject); an empty queue takes it back to 0; and messages held
 * unacknowledged by a real consumer keep it at 1 or more though none is ready. Every serving
 * unit is held at its HPA's floor (no CPU metrics on KWOK: the HPA's minReplicas alone), and
 * the worker wakes from 0 for a queued job, stays up while it runs and goes back to 0 once it
 * is done.
 */
import { type Channel, type ChannelModel, type ConsumeMessage, connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Adapters, createAdapters } from '../runtime/adapters/create-adapters.ts'
import { domainsOf } from '../runtime/catalog.ts'
import { loadConfiguration } from '../runtime/config/load-configuration.ts'
import { type DeployK8s, k8sStream, renderK8s } from '../runtime/deploy/k8s/deploy-k8s.ts'
import type { Unit } from '../runtime/deploy/k8s/plan.ts'
import { queuesOf } from '../runtime/queue/queues-of.ts'
import { jobList } from '../runtime/worker/job-list.ts'
import { silentLogger, waitFor } from './fixtures.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'
import {
  type KubernetesCluster,
  kubernetesUnavailable,
  startKubernetes,
} from './servers/kubernetes.ts'
import { RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'
import {
  amqpUrlFor,
  createVhost,
  deleteVhost,
  MANAGEMENT_URL,
  managementHostFor,
  rabbitManagementUnavailable,
} from './servers/rabbitmq-management.ts'

const skip =
  kubernetesUnavailable() ??
  (!(await rabbitAvailable()) ? 'no RabbitMQ' : await rabbitManagementUnavailable()) ??
  mongoUnavailable()

const NAMESPACE = 'oms-scaling'
/** Short, so each step takes seconds: KEDA's polling, the cooldown before 0 (and the initial one). */
const POLLING_SECONDS = 2
const COOLDOWN_SECONDS = 10
const MAX_REPLICAS = 4
/** Above the default floor of 1, so reaching it shows the HPA raising a Deployment to it. */
const SERVING_FLOOR = 2

interface ScaledObjectJson {
  metadata: { name: string; creationTimestamp?: string }
  spec: {
    pollingInterval: number
    cooldownPeriod: number
    initialCooldownPeriod?: number
    maxReplicaCount: number
    triggers: { type: string; metadata: Record<string, string> }[]
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(skip)('the rendered manifests scaling on KEDA, end to end', () => {
  let k8s: KubernetesCluster
  let mongo: MongoServer
  let adapters: Adapters | undefined
  let rendered: DeployK8s
  let amqp: ChannelModel | undefined
  let ch: Channel
  const vhost = `oms-k8s-scaling-${testNamespace()}`
  const amqpNamespace = `k8s${testNamespace()}`
  /** When the ScaledObjects were made (kubectl apply returned). */
  let appliedAt = 0
  /** Every replica count seen per Deployment, with when (for the diagnosis of a failure). */
  const seen = new Map<string, { t: number; replicas: number }[]>()

  beforeAll(async () => {
    await createVhost(vhost)
    mongo = await startMongoServer()
    const env = {
      AMQP_URL: amqpUrlFor(vhost),
      AMQP_NAMESPACE: amqpNamespace,
      MONGODB_URI: mongo.uri('k8s_scaling'),
      // A small prefetch, so the backlog per replica (KEDA's value) is small.
      PREFETCH: '2',
      OMS_INTERNAL_TOKEN: 'k8s-scaling-test-internal-token-0123456789',
      PUBLIC_URL: 'https://shop.example.com',
    }
    rendered = await renderK8s({
      env,
      namespace: NAMESPACE,
      cooldownSeconds: COOLDOWN_SECONDS,
      pollingIntervalSeconds: POLLING_SECONDS,
      maxReplicas: MAX_REPLICAS,
      minServingReplicas: SERVING_FLOOR,
      image: 'oms-functions:test',
    })

    // What each pod does as it starts: declare its queues (the runtime's own bus and topology).
    const functions = rendered.units.flatMap((u) => [...u.functions])
    const config = loadConfiguration(domainsOf(functions), env).runtime
    adapters = await createAdapters(config, silentLogger)
    await adapters.bus.declare(queuesOf(functions))
    amqp = await connect(amqpUrlFor(vhost))
    ch = await amqp.createChannel()

    k8s = await startKubernetes({ nodes: 2 })
    // As the README says: the namespace, the Secret (every key the summary lists), then apply.
    await k8s.kubectl(['create', 'namespace', NAMESPACE])
    const secrets: Record<string, string> = {
      AMQP_URL: env.AMQP_URL,
      MONGODB_URI: env.MONGODB_URI,
      OMS_INTERNAL_TOKEN: env.OMS_INTERNAL_TOKEN,
      RABBITMQ_MANAGEMENT_URL: managementHostFor(vhost),
      STRIPE_WEBHOOK_SECRET: 'whsec_k8s_scaling_test',
    }
    const required = rendered.plan.secretKeys.filter((k) => k.required).map((k) => k.key)
    expect(Object.keys(secrets).sort()).toEqual(required.sort())
    await k8s.kubectl([
      '-n',
      NAMESPACE,
      'create',
      'secret',
      'generic',
      rendered.plan.options.secretName,
      ...Object.entries(secrets).map(([k, v]) => `--from-literal=${k}=${v}`),
    ])
    await k8s.kubectl(['apply', '-f', '-'], k8sStream(rendered))
    appliedAt = Date.now()
  }, 240_000)

  afterAll(async () => {
    await ch?.close().catch(() => {})
    await amqp?.close().catch(() => {})
    await adapters?.bus.close().catch(() => {})
    await adapters?.store.close().catch(() => {})
    await k8s?.stop()
    await mongo?.close()
    await deleteVhost(vhost)
  }, 90_000)

  const unitsOf = (kind: Unit['kind']) => rendered.units.filter((u) => u.kind === kind)
  /** The first consumer unit of the rendered set (whichever the catalog puts first). */
  const consumer = () => {
    const unit = unitsOf('consumer')[0]
    if (unit?.scaling.kind !== 'queue') throw new Error('no consumer unit rendered')
    return { unit, queue: unit.scaling.queue.queue }
  }
  const worker = () => {
    const unit = unitsOf('worker')[0]
    if (unit?.scaling.kind !== 'jobs') throw new Error('no worker unit rendered')
    return { unit, queue: unit.functions[0]?.name as string }
  }
  /** The ScaledObject of a unit as rendered. */
  const renderedScaledObject = (unit: Unit) => {
    const file = rendered.files.find((f) => f.unit?.name === unit.name)
    const so = file?.objects.find((o) => o.kind === 'ScaledObject')
    if (!so) throw new Error(`${unit.name} has no ScaledObject`)
    return so as unknown as ScaledObjectJson
  }

  /** spec.replicas of every Deployment of the namespace, recorded in `seen`. */
  async function replicas(): Promise<Map<string, number>> {
    const out = await k8s.kubectl([
      'get',
      'deployments',
      '-n',
      NAMESPACE,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas}{"\\n"}{end}',
    ])
    const now = Date.now()
    const counts = new Map<string, number>()
    for (const line of out.split('\n').filter(Boolean)) {
      const [name = '', n = ''] = line.split(' ')
      const count = Number(n)
      counts.set(name, count)
      const history = seen.get(name) ?? []
      if (history.at(-1)?.replicas !== count) history.push({ t: now, replicas: count })
      seen.set(name, history)
    }
    return counts
  }
  const historyOf = (name: string) =>
    (seen.get(name) ?? [])
      .map((h) => `${((h.t - appliedAt) / 1000).toFixed(1)}s: ${h.replicas}`)
      .join(', ')

  /** Waits until `name`'s spec.replicas satisfies `ok`; the failure says what was seen. */
  async function untilReplicas(
    name: string,
    ok: (n: number) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<number> {
    try {
      return await waitFor(
        async () => {
          const n = (await replicas()).get(name)
          return n !== undefined && ok(n) ? n : undefined
        },
        { timeoutMs, intervalMs: 1000, what: `${name} ${what}` },
      )
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; replicas seen ${historyOf(name)}\n--- keda-operator:\n${k8s.logs('keda-operator').slice(-2000)}`,
      )
    }
  }

  /** The queue's counts on the management API (what KEDA reads). */
  async function queueCounts(queue: string) {
    const amqpUrl = new URL(RABBIT_URL)
    const auth = Buffer.from(
      `${decodeURIComponent(amqpUrl.username || 'guest')}:${decodeURIComponent(amqpUrl.password || 'guest')}`,
    ).toString('base64')
    const res = await fetch(
      `${MANAGEMENT_URL}/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`,
      { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(5000) },
    )
    if (!res.ok) throw new Error(`queue ${queue}: ${res.status}`)
    const q = (await res.json()) as { messages_ready?: number; messages_unacknowledged?: number }
    return { ready: q.messages_ready ?? 0, unacked: q.messages_unacknowledged ?? 0 }
  }

  it('applies every rendered object, and every consumer and the worker go from their first pod to 0 once the initial cooldown is over', async () => {
    const scaled = [...unitsOf('consumer'), ...unitsOf('worker')]
    expect(scaled.length).toBeGreaterThan(0)
    // KEDA took each ScaledObject in (its own HPA made) and each Deployment started with a pod.
    const hpas = await waitFor(
      async () => {
        const names = (await k8s.kubectl(['get', 'hpa', '-n', NAMESPACE, '-o', 'name']))
          .split('\n')
          .filter(Boolean)
        return scaled.every((u) =>
          names.includes(`horizontalpodautoscaler.autoscaling/keda-hpa-${u.name}`),
        )
          ? names
          : undefined
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: "KEDA's HPAs" },
    )
    expect(hpas.length).toBe(scaled.length + unitsOf('serving').length)

    const { unit } = consumer()
    const so = renderedScaledObject(unit)
    expect(so.spec.initialCooldownPeriod).toBe(COOLDOWN_SECONDS)
    await untilReplicas(unit.name, (n) => n === 0, 'scaled to 0', 90_000)
    // Not before the initial cooldown, which KEDA counts from the ScaledObject's creation as the
    // API server stamped it (whole seconds, while the apply of every object was still going on;
    // `appliedAt` is when the apply returned, which can be seconds later on a loaded machine).
    const createdAt = Date.parse(
      (
        await k8s.kubectl([
          '-n',
          NAMESPACE,
          'get',
          'scaledobject',
          so.metadata.name,
          '-o',
          'jsonpath={.metadata.creationTimestamp}',
        ])
      ).trim(),
    )
    expect(createdAt).toBeLessThanOrEqual(appliedAt)
    const zeroAt = seen.get(unit.name)?.find((h) => h.replicas === 0)?.t ?? 0
    expect(zeroAt - createdAt).toBeGreaterThanOrEqual((so.spec.initialCooldownPeriod ?? 0) * 1000)
    expect(historyOf(unit.name)).toMatch(/^\d+\.\ds: 1/)
    for (const u of scaled) await untilReplicas(u.name, (n) => n === 0, 'scaled to 0', 60_000)
  }, 150_000)

  it('scales the first consumer 0 → 1 on one message, out to ⌈N / value⌉ on a backlog of N, and back to 0 once its queue is empty', async () => {
    const { unit, queue } = consumer()
    const so = renderedScaledObject(unit)
    const trigger = so.spec.triggers.find((t) => t.type === 'rabbitmq')
    expect(trigger?.metadata).toMatchObject({ protocol: 'http', queueName: queue })
    const value = Number(trigger?.metadata.value)
    expect(value).toBeGreaterThan(0)
    if (unit.scaling.kind === 'queue') expect(value).toBe(unit.scaling.queue.targetPerReplica)

    ch.sendToQueue(queue, Buffer.from('{}'), { persistent: true })
    await untilReplicas(unit.name, (n) => n === 1, 'scaled 0 → 1', 60_000)

    // A backlog: between two and three replicas' worth.
    const backlog = 2 * value + 1
    const expected = Math.min(so.spec.maxReplicaCount, Math.ceil(backlog / value))
    expect(expected).toBe(3)
    for (let i = 1; i < backlog; i++) ch.sendToQueue(queue, Buffer.from('{}'), { persistent: true })
    await waitFor(async () => ((await queueCounts(queue)).ready === backlog ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 500,
      what: `${backlog} messages ready`,
    })
    await untilReplicas(unit.name, (n) => n === expected, `scaled out to ${expected}`, 60_000)
    // And no further: the HPA holds it there while the backlog stays.
    await sleep(2 * POLLING_SECONDS * 1000)
    expect((await replicas()).get(unit.name)).toBe(expected)

    await ch.purgeQueue(queue)
    await untilReplicas(unit.name, (n) => n === 0, 'scaled back to 0', 90_000)
  }, 240_000)

  it('keeps the consumer up while a consumer holds its messages unacknowledged, none ready, and lets it go to 0 once they are acknowledged', async () => {
    const { unit, queue } = consumer()
    await untilReplicas(unit.name, (n) => n === 0, 'at 0', 90_000)
    const prefetch = unit.scaling.kind === 'queue' ? unit.scaling.queue.prefetch : 1
    const holder = await (amqp as ChannelModel).createChannel()
    const held: ConsumeMessage[] = []
    await holder.prefetch(prefetch)
    await holder.consume(queue, (m) => {
      if (m) held.push(m)
    })
    for (let i = 0; i < prefetch; i++)
      ch.sendToQueue(queue, Buffer.from('{}'), { persistent: true })
    await waitFor(() => (held.length === prefetch ? true : undefined), {
      timeoutMs: 10_000,
      what: `${prefetch} messages delivered`,
    })
    // None ready, all unacknowledged, as the management API (KEDA's source) reports.
    await waitFor(
      async () => {
        const c = await queueCounts(queue)
        return c.ready === 0 && c.unacked === prefetch ? true : undefined
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the queue to show them unacknowledged' },
    )
    await untilReplicas(
      unit.name,
      (n) => n >= 1,
      'scaled up for its unacknowledged messages',
      60_000,
    )
    // Up all along, for two polling intervals and the cooldown and more.
    const holdMs = (2 * POLLING_SECONDS + COOLDOWN_SECONDS + 6) * 1000
    const until = Date.now() + holdMs
    while (Date.now() < until) {
      expect((await replicas()).get(unit.name), historyOf(unit.name)).toBeGreaterThanOrEqual(1)
      await sleep(1000)
    }
    // The work is done: acknowledged, the queue is empty, and the unit goes to 0.
    for (const m of held) holder.ack(m)
    await holder.close()
    await untilReplicas(unit.name, (n) => n === 0, 'scaled to 0 once acknowledged', 90_000)
  }, 200_000)

  it('holds every serving unit at its HPA floor, with no CPU metrics at all', async () => {
    const serving = unitsOf('serving')
    expect(serving.length).toBeGreaterThan(0)
    for (const u of serving) {
      if (u.scaling.kind !== 'cpu') continue
      const minReplicas = await k8s.kubectl([
        'get',
        'hpa',
        '-n',
        NAMESPACE,
        u.name,
        '-o',
        'jsonpath={.spec.minReplicas}',
      ])
      expect(Number(minReplicas), u.name).toBe(SERVING_FLOOR)
      // Each Deployment started with the default 1 pod: the HPA raised it to its floor.
      await untilReplicas(
        u.name,
        (n) => n === SERVING_FLOOR,
        `at its floor of ${SERVING_FLOOR}`,
        60_000,
      )
      const ready = await waitFor(
        async () => {
          const r = await k8s.kubectl([
            'get',
            'deployment',
            '-n',
            NAMESPACE,
            u.name,
            '-o',
            'jsonpath={.status.readyReplicas}',
          ])
          return Number(r) >= SERVING_FLOOR ? Number(r) : undefined
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: `${u.name}'s pods ready` },
      )
      expect(ready).toBe(SERVING_FLOOR)
    }
  }, 120_000)

  it('wakes the worker from 0 for a queued job, keeps it up while the job runs and lets it go to 0 once done', async () => {
    const { unit, queue } = worker()
    const so = renderedScaledObject(unit)
    expect(so.spec.triggers.map((t) => t.type)).toEqual(['mongodb', 'rabbitmq'])
    await untilReplicas(unit.name, (n) => n === 0, 'at 0', 60_000)

    // The runtime's job list, in the database the Secret names.
    const jobs = jobList((adapters as Adapters).store, queue)
    expect(await jobs.enqueue(`k8s-${testNamespace()}`, '{}')).toBe(true)
    await untilReplicas(unit.name, (n) => n === 1, 'woken for a queued job', 60_000)
    const owner = `test:${testNamespace()}`
    const [job] = await jobs.claim(owner, 1, 120_000)
    expect(job).toBeDefined()
    // Running under a lease still counts.
    await sleep((2 * POLLING_SECONDS + COOLDOWN_SECONDS + 4) * 1000)
    expect((await replicas()).get(unit.name), historyOf(unit.name)).toBe(1)

    await jobs.complete((job as { id: string }).id, owner)
    await untilReplicas(unit.name, (n) => n === 0, 'back to 0 once the job is done', 60_000)
  }, 150_000)

  it('never saw a scaler fail: every ScaledObject Ready, no KEDAScalerFailed event all along', async () => {
    // A ScaledObject whose queue or database KEDA cannot read still reports Ready; only a
    // warning event tells.
    const events = await k8s.kubectl([
      'get',
      'events',
      '-n',
      NAMESPACE,
      '--field-selector',
      'reason=KEDAScalerFailed',
      '-o',
      'jsonpath={range .items[*]}{.involvedObject.name}: {.message}{"\\n"}{end}',
    ])
    expect(events).toBe('')
    const ready = await k8s.kubectl([
      'get',
      'scaledobjects',
      '-n',
      NAMESPACE,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ])
    const scaled = [...unitsOf('consumer'), ...unitsOf('worker')].map((u) => `${u.name} True`)
    expect(ready.split('\n').filter(Boolean).sort()).toEqual(scaled.sort())
  })
})
