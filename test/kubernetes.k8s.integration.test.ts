/**
 * The Kubernetes test harness (test/servers/kubernetes.ts) gives a working cluster: the API
 * server answers with KWOK nodes Ready and the external metrics API served; a server-side dry
 * run accepts a Deployment with a KEDA ScaledObject and rejects broken ones (KEDA's CRD schema
 * and its admission webhook); the scheduler and KWOK run a Deployment's pods; and the real KEDA
 * operator scales a Deployment 0 → 1 when a message waits on its queue on the local RabbitMQ
 * (read through the management API) and back to 0 once the queue is purged.
 */
import { connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { waitFor } from './fixtures.ts'
import {
  KubectlError,
  type KubernetesCluster,
  kubernetesUnavailable,
  startKubernetes,
} from './servers/kubernetes.ts'
import { rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'
import {
  amqpUrlFor,
  createVhost,
  deleteVhost,
  managementHostFor,
  rabbitManagementUnavailable,
} from './servers/rabbitmq-management.ts'

const skip =
  kubernetesUnavailable() ??
  (!(await rabbitAvailable()) ? 'no RabbitMQ' : await rabbitManagementUnavailable())

const NS = 'smoke'
const QUEUE = 'work'

const yaml = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n')

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'oms-test:1',
              resources: { requests: { cpu: '50m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  }
}

/** A ScaledObject on QUEUE of the test's vhost (host from the TriggerAuthentication). */
function scaledObject(name: string, target: string | undefined) {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace: NS },
    spec: {
      ...(target && { scaleTargetRef: { name: target } }),
      minReplicaCount: 0,
      maxReplicaCount: 3,
      pollingInterval: 2,
      cooldownPeriod: 5,
      triggers: [
        {
          type: 'rabbitmq',
          metadata: {
            protocol: 'http',
            queueName: QUEUE,
            mode: 'QueueLength',
            value: '1',
            activationValue: '0',
          },
          authenticationRef: { name: 'rabbit' },
        },
      ],
    },
  }
}

function brokerAuth(vhost: string) {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'rabbit', namespace: NS },
      stringData: { host: managementHostFor(vhost) },
    },
    {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      metadata: { name: 'rabbit', namespace: NS },
      spec: { secretTargetRef: [{ parameter: 'host', name: 'rabbit', key: 'host' }] },
    },
  ]
}

describe.skipIf(skip)('a Kubernetes control plane with KWOK nodes and KEDA', () => {
  let k8s: KubernetesCluster
  const vhost = `oms-k8s-${testNamespace()}`

  beforeAll(async () => {
    await createVhost(vhost)
    k8s = await startKubernetes({ nodes: 2 })
    await k8s.kubectl(['create', 'namespace', NS])
  }, 240_000)
  afterAll(async () => {
    await k8s?.stop()
    await deleteVhost(vhost)
  }, 60_000)

  /** The phases and nodes of an app's pods. */
  async function pods(app: string): Promise<{ phase: string; node: string }[]> {
    const out = await k8s.kubectl([
      'get',
      'pods',
      '-n',
      NS,
      '-l',
      `app=${app}`,
      '-o',
      'jsonpath={range .items[*]}{.status.phase} {.spec.nodeName}{"\\n"}{end}',
    ])
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [phase = '', node = ''] = line.split(' ')
        return { phase, node }
      })
  }
  const runningPods = async (app: string) =>
    (await pods(app)).filter((p) => p.phase === 'Running').length

  it('answers on the API server, with its KWOK nodes Ready and the external metrics API served', async () => {
    expect(await k8s.kubectl(['get', '--raw', '/readyz'])).toBe('ok')
    const nodes = await k8s.kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'name'])
    expect(nodes.trim().split('\n').sort()).toEqual(k8s.nodes.map((n) => `node/${n}`).sort())
    const metrics = JSON.parse(
      await k8s.kubectl(['get', '--raw', '/apis/external.metrics.k8s.io/v1beta1']),
    ) as { kind: string; groupVersion: string }
    expect(metrics).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'external.metrics.k8s.io/v1beta1',
    })
  })

  it('accepts a Deployment with a KEDA ScaledObject in a server-side dry run and rejects broken ones', async () => {
    const good = yaml(deployment('dry', 1), ...brokerAuth(vhost), scaledObject('dry', 'dry'))
    const out = await k8s.kubectl(['apply', '--dry-run=server', '-f', '-'], good)
    expect(out).toContain('scaledobject.keda.sh/dry created (server dry run)')
    expect(out).toContain('deployment.apps/dry created (server dry run)')
    // Nothing was made.
    await expect(k8s.kubectl(['get', 'deployment', '-n', NS, 'dry'])).rejects.toThrow(/NotFound/)

    const noTarget = yaml(scaledObject('no-target', undefined))
    const rejected = await k8s
      .kubectl(['apply', '--dry-run=server', '-f', '-'], noTarget)
      .catch((err: unknown) => err)
    expect(rejected).toBeInstanceOf(KubectlError)
    expect((rejected as KubectlError).stderr).toMatch(/scaleTargetRef: Required value/)

    const badValue = scaledObject('bad-value', 'dry') as {
      spec: { triggers: { metadata: Record<string, unknown> }[] }
    }
    ;(badValue.spec.triggers[0] as { metadata: Record<string, unknown> }).metadata.value = 5
    await expect(
      k8s.kubectl(['apply', '--dry-run=server', '-f', '-'], yaml(badValue)),
    ).rejects.toThrow(/must be of type string/)

    const badSelector = deployment('bad-selector', 1) as { spec: { selector: object } }
    badSelector.spec.selector = { matchLabels: { app: 'other' } }
    await expect(
      k8s.kubectl(['apply', '--dry-run=server', '-f', '-'], yaml(badSelector)),
    ).rejects.toThrow(/`selector` does not match template `labels`/)
  })

  it('runs a Deployment of 2 replicas as 2 Running pods on the KWOK nodes', async () => {
    await k8s.kubectl(['apply', '-f', '-'], yaml(deployment('pair', 2)))
    const placed = await waitFor(
      async () => {
        const ps = await pods('pair')
        return ps.length === 2 && ps.every((p) => p.phase === 'Running') ? ps : undefined
      },
      { timeoutMs: 60_000, intervalMs: 500, what: '2 Running pods' },
    )
    for (const p of placed) expect(k8s.nodes).toContain(p.node)
  }, 90_000)

  it('scales a Deployment 0 → 1 with KEDA when a message waits on its queue, and back to 0 once purged', async () => {
    const conn = await connect(amqpUrlFor(vhost))
    try {
      const ch = await conn.createChannel()
      await ch.assertQueue(QUEUE, { durable: false })
      await k8s.kubectl(
        ['apply', '-f', '-'],
        yaml(deployment('worker', 0), ...brokerAuth(vhost), scaledObject('worker', 'worker')),
      )
      // KEDA made its HPA, and the empty queue keeps the Deployment at 0.
      const metric = await waitFor(
        async () =>
          (await k8s.kubectl([
            'get',
            'hpa',
            '-n',
            NS,
            'keda-hpa-worker',
            '-o',
            'jsonpath={.spec.metrics[0].external.metric.name}',
          ])) || undefined,
        { timeoutMs: 60_000, intervalMs: 500, what: "KEDA's HPA" },
      )
      // The webhook refuses a second ScaledObject on the same Deployment (naming the first or
      // its HPA, whichever its cache finds first).
      await expect(
        k8s.kubectl(
          ['apply', '--dry-run=server', '-f', '-'],
          yaml(scaledObject('again', 'worker')),
        ),
      ).rejects.toThrow(
        /denied the request: .* is already managed by the (ScaledObject 'worker'|hpa 'keda-hpa-worker')/,
      )
      expect(await runningPods('worker')).toBe(0)

      ch.sendToQueue(QUEUE, Buffer.from('job'))
      await waitFor(async () => ((await runningPods('worker')) === 1 ? true : undefined), {
        timeoutMs: 90_000,
        intervalMs: 1000,
        what: 'the worker scaled to 1',
      })
      // The adapter serves the queue's depth to the HPA through the aggregated API.
      const value = await waitFor(
        async () => {
          const list = JSON.parse(
            await k8s.kubectl([
              'get',
              '--raw',
              `/apis/external.metrics.k8s.io/v1beta1/namespaces/${NS}/${metric}?labelSelector=scaledobject.keda.sh%2Fname%3Dworker`,
            ]),
          ) as { items: { value: string }[] }
          return list.items[0]?.value
        },
        { timeoutMs: 30_000, intervalMs: 1000, what: 'the external metric' },
      )
      expect(value).toBe('1')

      await ch.purgeQueue(QUEUE)
      await waitFor(
        async () =>
          (await k8s.kubectl([
            'get',
            'deployment',
            '-n',
            NS,
            'worker',
            '-o',
            'jsonpath={.spec.replicas}',
          ])) === '0' && (await pods('worker')).length === 0
            ? true
            : undefined,
        { timeoutMs: 90_000, intervalMs: 1000, what: 'the worker scaled back to 0' },
      )
      await ch.close()
    } finally {
      await conn.close()
    }
  }, 240_000)
})
