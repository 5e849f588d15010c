/**
 * A process on RabbitMQ does not wait for its first broker connection to open its servers: it
 * answers calls while the connection is being made (behind a proxy that holds it here), its
 * /healthz says it is connecting, and its start completes — consumers consuming — once the
 * broker answers. A broker that cannot be reached still fails with the error naming AMQP_URL.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { openLink } from '../runtime/adapters/bus/amqp/link.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { domain } from '../runtime/model/domain.ts'
import { topic } from '../runtime/model/topic.ts'
import { silentLogger } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

/** A TCP proxy to the broker that holds every connection until `release()`. */
async function holdingProxy(target: URL) {
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.pause()
    void released.then(() => {
      const upstream = connect(Number(target.port || 5672), target.hostname)
      sockets.add(upstream)
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const url = new URL(target)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return {
    url: url.toString(),
    release,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

const pinged = topic('ping.sent', z.object({ eventId: z.string(), n: z.int() }))
const seen: number[] = []
const pings = domain('pings')
const hello = pings.http(() => new Hono().get('/hello', (c) => c.text('hello')))
const onPing = pings.consumer(pinged, async (event) => {
  seen.push(event.n)
})

const brokerUp = await rabbitAvailable()

describe.skipIf(!brokerUp)('the first broker connection', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => {})
    seen.length = 0
  })

  it('is made while the servers answer; the start completes once the broker answers', async () => {
    const proxy = await holdingProxy(new URL(RABBIT_URL))
    cleanup.push(() => proxy.close())
    const namespace = testNamespace()
    cleanup.push(() => deleteNamespace(namespace))
    const port = await freePort()
    const runtime: Runtime = await createRuntime({
      functions: [
        { name: 'pings.hello', domain: 'pings', def: hello },
        { name: 'pings.on-ping', domain: 'pings', def: onPing },
      ],
      env: {
        LOG_LEVEL: 'silent',
        HOST: '127.0.0.1',
        PORT: String(port),
        GRPC_PORT: String(await freePort()),
        AMQP_URL: proxy.url,
        AMQP_NAMESPACE: namespace,
      },
      log: silentLogger,
    })
    cleanup.push(() => runtime.stop())
    let started = false
    const starting = runtime.start().then(() => {
      started = true
    })
    const base = `http://127.0.0.1:${port}`
    await expect
      .poll(async () => (await fetch(`${base}/hello`).catch(() => undefined))?.status, {
        timeout: 10_000,
      })
      .toBe(200)
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({
      checks: { bus: { kind: 'rabbitmq', ok: false, detail: 'connecting to the broker' } },
    })
    expect(started).toBe(false)

    proxy.release()
    await starting
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    // The consumer's queue was declared and is consumed: a message published now arrives.
    const publisher = await amqpBus({
      url: RABBIT_URL,
      namespace,
      retryDelaysMs: [1000],
      log: silentLogger,
    })
    cleanup.push(() => publisher.close())
    await publisher.publish('ping.sent', { eventId: 'p-1', n: 1 } as never)
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual([1])
  })

  it('that cannot be made fails whatever waits for it, naming AMQP_URL', async () => {
    const closed = `amqp://guest:guest@127.0.0.1:${await freePort()}`
    const link = openLink({
      url: closed,
      connectionName: 'never',
      log: silentLogger,
      initialMaxRetries: 1,
      setup: async () => {},
    })
    cleanup.push(() => link.close())
    expect(link.connecting).toBe(true)
    await expect(link.model(Date.now() + 20_000)).rejects.toThrow(
      /^AMQP_URL: cannot connect to RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+/,
    )
    expect(link.connecting).toBe(false)
    expect(link.failed?.message).toMatch(/AMQP_URL/)
  })
})
