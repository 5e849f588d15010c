/**
 * Discovery through a real Consul agent with the domains as separate processes from bundles,
 * sharing MongoDB (FerretDB) and RabbitMQ, and two stock processes. One stock is killed with
 * SIGKILL while orders stream: failures stay bounded while Consul notices, none after. Another
 * is stopped with SIGTERM: no accepted request fails, it deregisters at once and exits 0.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceNameOf } from '../runtime/adapters/registry/consul/service-name.ts'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { ADMIN_TOKEN, post, WEBHOOK_SECRET, waitFor } from './fixtures.ts'
import { type ConsulServer, consulUnavailable, startConsul } from './servers/consul.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'
import { freePort } from './servers/free-port.ts'
import { type ProcessSystem, startProcesses } from './servers/processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

const ready = !consulUnavailable() && !mongoUnavailable() && (await rabbitAvailable())
const RESERVE = serviceNameOf('stock.reserve-stock')

describe.skipIf(!ready)('Consul discovery across processes', () => {
  const namespace = testNamespace()
  let consul: ConsulServer
  let mongo: MongoServer
  let system: ProcessSystem

  const instances = async (passing: boolean) => {
    const res = await fetch(
      `http://${consul.addr}/v1/health/service/${RESERVE}${passing ? '?passing=true' : ''}`,
    )
    return (await res.json()) as { Service: { Port: number } }[]
  }
  const failureBodies: string[] = []
  const placeOrder = async (n: number) => {
    try {
      const res = await fetch(
        `${system.url}/api/customers/c${n}/orders`,
        post({ items: [{ id: 'fries', quantity: 1 }] }),
      )
      if (res.status !== 201) failureBodies.push(`${Date.now()} ${res.status} ${await res.text()}`)
      return res.status
    } catch {
      return 0
    }
  }
  /** Streams orders on 4 lanes until `stop` resolves; returns each outcome with the time it was sent. */
  const stream = async (stop: Promise<void>) => {
    const outcomes: { at: number; status: number }[] = []
    let done = false
    void stop.then(() => {
      done = true
    })
    let n = 0
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (!done) {
          const at = Date.now()
          outcomes.push({ status: await placeOrder(n++), at })
        }
      }),
    )
    return outcomes
  }
  const spawnStock = async () => {
    const port = await freePort()
    const proc = await system.spawnDomain('stock', { GRPC_PORT: String(port) })
    await waitFor(async () => ((await instances(true)).length >= 2 ? true : undefined), {
      what: 'two passing stock instances',
    })
    return { proc, port }
  }

  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
    ;[consul, mongo] = await Promise.all([startConsul(), startMongoServer()])
    await buildBundles({ outDir: dist })
    system = await startProcesses(dist, {
      CONSUL_HTTP_ADDR: consul.addr,
      MONGODB_URI: mongo.uri('procs'),
      AMQP_URL: RABBIT_URL,
      AMQP_NAMESPACE: namespace,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ADMIN_TOKEN,
    })
    // Plenty of stock for the streams below (the seeded 200 fries last a few seconds).
    const res = await fetch(`${system.url}/api/admin/stock/fries`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1_000_000 }),
    })
    expect(res.status).toBe(200)
  }, 90_000)
  afterAll(async () => {
    await system?.stop()
    await Promise.allSettled([consul?.close(), mongo?.close(), deleteNamespace(namespace)])
  })

  it('keeps orders succeeding after a stock process is killed with SIGKILL', async () => {
    const { proc: doomed } = await spawnStock()
    let kill: () => void = () => {}
    const stopped = new Promise<void>((resolve) => (kill = resolve))
    const running = stream(stopped)
    await new Promise((r) => setTimeout(r, 500))
    const killedAt = Date.now()
    doomed.child.kill('SIGKILL')
    await waitFor(async () => ((await instances(true)).length === 1 ? true : undefined), {
      what: 'Consul to drop it',
    })
    const detectedAt = Date.now()
    await new Promise((r) => setTimeout(r, 2500))
    kill()
    const outcomes = await running
    const failures = outcomes.filter((o) => o.status !== 201)
    // Every caller's discovery cache follows the agent within about a second; an order sent
    // before that may still have gone to the dead instance (and wait out its deadline).
    const after = outcomes.filter((o) => o.at > detectedAt + 1000)
    expect(after.length).toBeGreaterThanOrEqual(10)
    expect(
      after.every((o) => o.status === 201),
      `${JSON.stringify(after.filter((o) => o.status !== 201))} detected at ${detectedAt}\n${failureBodies.join('\n')}`,
    ).toBe(true)
    // Orders in flight on the killed instance (sent just before the kill) may fail: bounded.
    expect(failures.every((o) => o.at >= killedAt - 1000)).toBe(true)
    expect(failures.length).toBeLessThanOrEqual(Math.max(3, outcomes.length / 10))
  }, 60_000)

  it('stops a stock process on SIGTERM without failing an order, deregistering it at once', async () => {
    const { proc: leaving, port } = await spawnStock()
    let end: () => void = () => {}
    const stopped = new Promise<void>((resolve) => (end = resolve))
    const running = stream(stopped)
    await new Promise((r) => setTimeout(r, 500))
    leaving.child.kill('SIGTERM')
    expect(await leaving.exited).toBe(0)
    // Deregistered, not merely failing its check.
    expect((await instances(false)).map((i) => i.Service.Port)).not.toContain(port)
    await new Promise((r) => setTimeout(r, 1000))
    end()
    const outcomes = await running
    expect(outcomes.length).toBeGreaterThan(10)
    expect(
      outcomes.filter((o) => o.status !== 201),
      failureBodies.join('\n'),
    ).toEqual([])
  }, 60_000)
})
