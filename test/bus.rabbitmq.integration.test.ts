/**
 * The RabbitMQ bus adapter against the real broker: retries through the delay queues with the
 * configured delays, parking after the last tier with the error, replay, poison parked at once
 * while other messages flow, one copy per consumer, watches (a copy per watching process, told
 * of a gap after a lost connection), and `oms dlq` on the broker.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { type Bus, type Delivery, PoisonMessageError } from '../runtime/ports/bus.ts'
import { DomainError } from '../shared/errors.ts'
import { silentLogger, waitFor } from './fixtures.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'
import {
  closeConnectionsNamed,
  rabbitManagementUnavailable,
} from './servers/rabbitmq-management.ts'

const DELAYS_MS = [300, 700]
const TOLERANCE_MS = 250
const run = promisify(execFile)

const event = (n: number) => ({
  eventId: `evt-${n}-${Math.random().toString(36).slice(2)}`,
  orderId: `order-${n}`,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
})

const brokerUp = await rabbitAvailable()
/** The gap test closes a connection from the broker's side, through its management API. */
const noManagement = brokerUp ? await rabbitManagementUnavailable() : 'no broker'

describe.skipIf(!brokerUp)('RabbitMQ bus adapter', () => {
  const open: { bus: Bus; ns: string }[] = []
  afterEach(async () => {
    for (const { bus, ns } of open.splice(0)) {
      await bus.close()
      await deleteNamespace(ns)
    }
  })

  async function newBus() {
    const ns = testNamespace()
    const bus = await amqpBus({
      url: RABBIT_URL,
      namespace: ns,
      retryDelaysMs: DELAYS_MS,
      log: silentLogger,
    })
    open.push({ bus, ns })
    return { bus, ns }
  }

  /** Every message the subscriptions below said they parked. */
  const told: { consumer: string; id: string; tries: number; error: string }[] = []
  function subscribe(bus: Bus, consumer: string, handle: (d: Delivery) => Promise<void>) {
    return bus.subscribe(
      {
        consumer,
        event: 'order.paid',
        prefetch: 8,
        retryDelaysMs: DELAYS_MS,
        onParked: (m) => told.push({ consumer, ...m }),
      },
      handle,
    )
  }

  it('calls a handler that fails twice then succeeds three times, after the configured delays', async () => {
    const { bus } = await newBus()
    const calls: { at: number; attempt: number }[] = []
    await subscribe(bus, 'test.flaky', async (d) => {
      calls.push({ at: performance.now(), attempt: d.attempt })
      if (calls.length <= 2) throw new Error(`failure ${calls.length}`)
    })
    await bus.publish('order.paid', event(1))
    await waitFor(() => (calls.length === 3 ? true : undefined), { what: 'three calls' })
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3])
    const gaps = [calls[1]!.at - calls[0]!.at, calls[2]!.at - calls[1]!.at]
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(DELAYS_MS[i]! - 20)
      expect(gap).toBeLessThan(DELAYS_MS[i]! + TOLERANCE_MS)
    })
    await new Promise((r) => setTimeout(r, DELAYS_MS.at(-1)! + 200))
    expect(calls).toHaveLength(3)
    expect(await bus.parked('test.flaky')).toEqual([])
  })

  it('waits out an unavailable dependency in the delay queues without using up the tries', async () => {
    const { bus } = await newBus()
    const calls: { at: number; attempt: number }[] = []
    await bus.subscribe(
      {
        consumer: 'test.patient',
        event: 'order.paid',
        prefetch: 8,
        retryDelaysMs: DELAYS_MS,
        transientWaitMs: 60_000,
      },
      async (d) => {
        calls.push({ at: performance.now(), attempt: d.attempt })
        // More transient failures than the two tries allow: none of them counts.
        if (calls.length <= 3) throw new DomainError('UNAVAILABLE', 'orders is restarting')
      },
    )
    await bus.publish('order.paid', event(9))
    await waitFor(() => (calls.length === 4 ? true : undefined), {
      what: 'the fourth call, after waits through the delays, the last repeating',
    })
    expect(calls.map((c) => c.attempt)).toEqual([1, 1, 1, 1])
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at)
    gaps.forEach((gap, i) => {
      const wait = [DELAYS_MS[0]!, DELAYS_MS[1]!, DELAYS_MS[1]!][i]!
      expect(gap).toBeGreaterThanOrEqual(wait - 20)
      expect(gap).toBeLessThan(wait + TOLERANCE_MS)
    })
    expect(await bus.parked('test.patient')).toEqual([])
  })

  it('parks a message that fails every try, with its error, and replays it once fixed', async () => {
    const { bus, ns } = await newBus()
    let fixed = false
    const calls: number[] = []
    await subscribe(bus, 'test.broken', async (d) => {
      calls.push(d.attempt)
      if (!fixed) throw new Error('the fryer is cold')
    })
    const body = event(2)
    await bus.publish('order.paid', body)
    const [parked] = await waitFor(
      async () => {
        const list = await bus.parked('test.broken')
        return list.length > 0 ? list : undefined
      },
      { what: 'a parked message' },
    )
    expect(calls).toEqual([1, 2, 3])
    expect(parked).toMatchObject({
      id: body.eventId,
      consumer: 'test.broken',
      event: 'order.paid',
      tries: 3,
    })
    expect(parked?.error).toContain('the fryer is cold')
    // The subscriber was told, once, with what `oms dlq` will show.
    expect(told.filter((t) => t.consumer === 'test.broken')).toEqual([
      {
        consumer: 'test.broken',
        id: body.eventId,
        tries: 3,
        error: expect.stringContaining('the fryer is cold'),
      },
    ])
    expect(JSON.parse(parked?.body ?? '')).toEqual(body)

    // The CLI sees it on the broker too.
    const env = { ...process.env, AMQP_URL: RABBIT_URL, AMQP_NAMESPACE: ns, LOG_LEVEL: 'silent' }
    const { stdout } = await run(
      process.execPath,
      ['bin/oms.js', 'dlq', 'ls', '--function', 'test.broken'],
      { env },
    )
    expect(stdout).toContain('the fryer is cold')

    fixed = true
    expect(await bus.replay({ consumer: 'test.broken', id: body.eventId })).toBe(1)
    await waitFor(() => (calls.length === 4 ? true : undefined), { what: 'the replayed delivery' })
    expect(calls.at(-1)).toBe(1)
    expect(await bus.parked('test.broken')).toEqual([])
  })

  it('parks poison at once and keeps the other messages flowing', async () => {
    const { bus } = await newBus()
    const handled: string[] = []
    await subscribe(bus, 'test.picky', async (d) => {
      let body: { orderId: string }
      try {
        body = JSON.parse(d.body)
      } catch {
        throw new PoisonMessageError('not JSON')
      }
      handled.push(body.orderId)
    })
    await bus.publish('order.paid', event(1))
    await bus.publishRaw('order.paid', '{oops')
    await bus.publish('order.paid', event(2))
    await waitFor(() => (handled.length === 2 ? true : undefined), { what: 'the good messages' })
    const parked = await waitFor(async () => {
      const list = await bus.parked('test.picky')
      return list.length > 0 ? list : undefined
    })
    expect(parked).toHaveLength(1)
    expect(parked[0]).toMatchObject({ tries: 1, body: '{oops' })
    expect(parked[0]?.error).toContain('not JSON')
  })

  it('gives every consumer of an event its own copy', async () => {
    const { bus } = await newBus()
    const seen: string[] = []
    await subscribe(bus, 'test.one', async () => void seen.push('one'))
    await subscribe(bus, 'test.two', async () => void seen.push('two'))
    await bus.publish('order.paid', event(3))
    await waitFor(() => (seen.length === 2 ? true : undefined))
    expect(seen.sort()).toEqual(['one', 'two'])
  })

  it('gives every watching process each message once, and keeps nothing for a closed watch', async () => {
    const { bus, ns } = await newBus()
    const other = await amqpBus({
      url: RABBIT_URL,
      namespace: ns,
      retryDelaysMs: [],
      log: silentLogger,
    })
    const seen: Record<'a' | 'b', string[]> = { a: [], b: [] }
    const a = await bus.watch('order.paid', {
      message: (b) => void seen.a.push(JSON.parse(b).orderId),
    })
    const b = await other.watch('order.paid', {
      message: (b) => void seen.b.push(JSON.parse(b).orderId),
    })
    await bus.publish('order.paid', event(5))
    await waitFor(() => (seen.a.length === 1 && seen.b.length === 1 ? true : undefined))
    await b.close()
    await other.publish('order.paid', event(6))
    await waitFor(() => (seen.a.length === 2 ? true : undefined))
    await new Promise((r) => setTimeout(r, 200))
    expect(seen).toEqual({ a: ['order-5', 'order-6'], b: ['order-5'] })
    // Watches sit beside the consumers: a consumer's queue still gets its copy.
    const got: string[] = []
    await subscribe(bus, 'test.beside', async (d) => void got.push(JSON.parse(d.body).orderId))
    await bus.publish('order.paid', event(7))
    await waitFor(() => (got.length === 1 && seen.a.length === 3 ? true : undefined))
    await a.close()
    await other.close()
  })

  it.skipIf(noManagement !== undefined)(
    'tells a watch of the gap when its connection was lost, and watches again after the reconnect',
    async () => {
      const ns = testNamespace()
      const connectionName = `${ns}:watch-gap`
      const bus = await amqpBus({
        url: RABBIT_URL,
        namespace: ns,
        retryDelaysMs: [],
        log: silentLogger,
        connectionName,
      })
      open.push({ bus, ns })
      const seen: string[] = []
      let gaps = 0
      await bus.watch('order.paid', {
        message: (b) => void seen.push(JSON.parse(b).orderId),
        gap: () => {
          gaps += 1
        },
      })
      await waitFor(async () =>
        (await closeConnectionsNamed(connectionName)) > 0 ? true : undefined,
      )
      await waitFor(() => (gaps === 1 ? true : undefined), { timeoutMs: 15_000, what: 'the gap' })
      await bus.publish('order.paid', event(8))
      await waitFor(() => (seen.length === 1 ? true : undefined))
      expect(seen).toEqual(['order-8'])
    },
  )

  it('keeps messages published while no consumer runs, in its durable queue', async () => {
    const { bus } = await newBus()
    await bus.declare([{ consumer: 'test.late', event: 'order.paid' }])
    const body = event(4)
    await bus.publish('order.paid', body)
    const got: string[] = []
    await subscribe(bus, 'test.late', async (d) => void got.push(d.messageId))
    await waitFor(() => (got.length === 1 ? true : undefined))
    expect(got).toEqual([body.eventId])
  })
})
