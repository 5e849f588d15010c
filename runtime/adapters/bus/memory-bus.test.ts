/**
 * The in-process bus keeps the RabbitMQ design's semantics: a queue per consumer, ack after
 * the handler, bounded prefetch, retries after growing delays, parking and replay.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DomainError } from '../../../shared/errors.ts'
import type { EventBody } from '../../../shared/events.ts'
import { waitFor } from '../../../test/fixtures.ts'
import { RetryLater } from '../../model/retry-later.ts'
import { type Bus, type Delivery, PoisonMessageError, type Subscription } from '../../ports/bus.ts'
import { StoreUnavailableError } from '../../ports/documents.ts'
import { memoryBus } from './memory-bus.ts'

const buses: Bus[] = []
const subscriptions: Subscription[] = []
afterEach(async () => {
  for (const s of subscriptions.splice(0)) await s.close()
  for (const b of buses.splice(0)) await b.close()
})

function newBus(): Bus {
  const bus = memoryBus()
  buses.push(bus)
  return bus
}

let seq = 0
function paid(orderId = `o-${++seq}`): EventBody<'order.paid'> {
  return {
    eventId: `${orderId}:paid`,
    orderId,
    customerId: 'ann',
    occurredAt: new Date().toISOString(),
  }
}

async function subscribe(
  bus: Bus,
  consumer: string,
  handle: (d: Delivery) => Promise<void>,
  options: { prefetch?: number; retryDelaysMs?: number[] } = {},
) {
  const s = await bus.subscribe(
    {
      consumer,
      event: 'order.paid',
      prefetch: options.prefetch ?? 8,
      retryDelaysMs: options.retryDelaysMs ?? [],
    },
    handle,
  )
  subscriptions.push(s)
  return s
}

/** A promise with its resolver, to hold handlers until the test lets them go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { open, opened }
}

const orderIdOf = (d: Delivery) => (JSON.parse(d.body) as { orderId: string }).orderId

describe('memory bus', () => {
  it('gives every consumer of an event its own copy, and none to consumers of other events', async () => {
    const bus = newBus()
    const a: Delivery[] = []
    const b: Delivery[] = []
    const other: Delivery[] = []
    await subscribe(bus, 'stock.on-order-paid', async (d) => void a.push(d))
    await subscribe(bus, 'orders.on-order-paid', async (d) => void b.push(d))
    subscriptions.push(
      await bus.subscribe(
        { consumer: 'x.on-cancel', event: 'order.cancelled', prefetch: 1, retryDelaysMs: [] },
        async (d) => void other.push(d),
      ),
    )

    const event = paid()
    await bus.publish('order.paid', event)

    await waitFor(() => (a.length === 1 && b.length === 1 ? true : undefined))
    for (const d of [a[0], b[0]]) {
      expect(d).toMatchObject({ messageId: event.eventId, event: 'order.paid', attempt: 1 })
      expect(JSON.parse(d?.body ?? '')).toEqual(event)
    }
    expect(other).toEqual([])
  })

  it('keeps messages for a declared queue until its consumer subscribes', async () => {
    const bus = newBus()
    await bus.declare([{ consumer: 'late.consumer', event: 'order.paid' }])
    await bus.publish('order.paid', paid('early'))

    const seen: string[] = []
    await subscribe(bus, 'late.consumer', async (d) => void seen.push(orderIdOf(d)))
    await waitFor(() => (seen.length === 1 ? true : undefined))
    expect(seen).toEqual(['early'])
  })

  it('passes headers and raw bodies through', async () => {
    const bus = newBus()
    const seen: Delivery[] = []
    await subscribe(bus, 'c', async (d) => void seen.push(d))
    await bus.publish('order.paid', paid('h'), { traceparent: '00-abc-def-01' })
    await bus.publishRaw('order.paid', 'not json')
    await waitFor(() => (seen.length === 2 ? true : undefined))
    expect(seen[0]?.headers).toEqual({ traceparent: '00-abc-def-01' })
    expect(seen[1]?.body).toBe('not json')
  })

  it('acks only after the handler: with prefetch 1 the next message waits for it', async () => {
    const bus = newBus()
    const hold = gate()
    const started: string[] = []
    const finished: string[] = []
    await subscribe(
      bus,
      'slow',
      async (d) => {
        started.push(orderIdOf(d))
        await hold.opened
        finished.push(orderIdOf(d))
      },
      { prefetch: 1 },
    )
    await bus.publish('order.paid', paid('first'))
    await bus.publish('order.paid', paid('second'))
    await waitFor(() => (started.length === 1 ? true : undefined))
    await new Promise((r) => setTimeout(r, 10))
    expect(started).toEqual(['first'])

    hold.open()
    await waitFor(() => (finished.length === 2 ? true : undefined))
    expect(started).toEqual(['first', 'second'])
  })

  it('close waits for the deliveries in flight and takes no new ones', async () => {
    const bus = newBus()
    const hold = gate()
    const seen: string[] = []
    const sub = await bus.subscribe(
      { consumer: 'closing', event: 'order.paid', prefetch: 4, retryDelaysMs: [] },
      async (d) => {
        seen.push(orderIdOf(d))
        await hold.opened
      },
    )
    await bus.publish('order.paid', paid('in-flight'))
    await waitFor(() => (seen.length === 1 ? true : undefined))

    let closed = false
    const closing = sub.close().then(() => {
      closed = true
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(closed).toBe(false)
    hold.open()
    await closing

    await bus.publish('order.paid', paid('after-close'))
    await new Promise((r) => setTimeout(r, 10))
    expect(seen).toEqual(['in-flight'])
  })

  it('never has more deliveries in flight than the prefetch', async () => {
    const bus = newBus()
    const hold = gate()
    let inFlight = 0
    let most = 0
    let done = 0
    await subscribe(
      bus,
      'bounded',
      async () => {
        inFlight += 1
        most = Math.max(most, inFlight)
        await hold.opened
        inFlight -= 1
        done += 1
      },
      { prefetch: 3 },
    )
    for (let i = 0; i < 10; i++) await bus.publish('order.paid', paid())
    await waitFor(() => (inFlight === 3 ? true : undefined))
    await new Promise((r) => setTimeout(r, 10))
    expect(inFlight).toBe(3)

    hold.open()
    await waitFor(() => (done === 10 ? true : undefined))
    expect(most).toBe(3)
  })

  it('retries a failing handler after each growing delay, then parks it with the error and tries', async () => {
    const bus = newBus()
    const delays = [50, 100, 200]
    const attempts: { attempt: number; at: number }[] = []
    await subscribe(
      bus,
      'always-fails',
      async (d) => {
        attempts.push({ attempt: d.attempt, at: performance.now() })
        throw new Error('kitchen on fire')
      },
      { retryDelaysMs: delays },
    )
    const event = paid()
    await bus.publish('order.paid', event)

    const [parked] = await waitFor(async () => {
      const list = await bus.parked('always-fails')
      return list.length > 0 ? list : undefined
    })
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4])
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i]?.at ?? 0))
    // Timers may fire up to a millisecond early against performance.now().
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual((delays[i] ?? 0) - 1)
    }
    expect(parked).toMatchObject({
      id: event.eventId,
      consumer: 'always-fails',
      event: 'order.paid',
      error: 'Error: kitchen on fire',
      tries: 4,
    })
    expect(JSON.parse(parked?.body ?? '')).toEqual(event)
    expect(Date.parse(parked?.parkedAt ?? '')).not.toBeNaN()
  })

  it('delivers a message that succeeds on a retry once, and does not park it', async () => {
    const bus = newBus()
    const attempts: number[] = []
    let handled = 0
    await subscribe(
      bus,
      'flaky',
      async (d) => {
        attempts.push(d.attempt)
        if (d.attempt < 3) throw new Error('not yet')
        handled += 1
      },
      { retryDelaysMs: [10, 10, 10] },
    )
    await bus.publish('order.paid', paid())
    await waitFor(() => (handled === 1 ? true : undefined))
    expect(attempts).toEqual([1, 2, 3])
    expect(await bus.parked()).toEqual([])
  })

  it('waits out a dependency that is unavailable without using up the tries, then delivers once', async () => {
    vi.useFakeTimers()
    try {
      const bus = newBus()
      const attempts: number[] = []
      let handled = 0
      const failures = [
        new DomainError('UNAVAILABLE', 'orders is restarting'),
        new StoreUnavailableError('MongoDB unavailable'),
        new RetryLater('payment not recorded yet'),
      ]
      subscriptions.push(
        await bus.subscribe(
          {
            consumer: 'patient',
            event: 'order.paid',
            prefetch: 8,
            retryDelaysMs: [100, 200],
            transientWaitMs: 60_000,
          },
          async (d) => {
            attempts.push(d.attempt)
            const failure = failures[attempts.length - 1]
            if (failure) throw failure
            handled += 1
          },
        ),
      )
      await bus.publish('order.paid', paid())
      // Waits through the delays, the last repeating (100, 200, 200 ms): three failures where
      // two tries are allowed, and none counts.
      await vi.advanceTimersByTimeAsync(99)
      expect(attempts).toEqual([1])
      await vi.advanceTimersByTimeAsync(1 + 200 + 200)
      expect(handled).toBe(1)
      expect(attempts).toEqual([1, 1, 1, 1])
      expect(await bus.parked()).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })

  it('counts transient failures as tries once the wait is spent, then parks', async () => {
    vi.useFakeTimers()
    try {
      const bus = newBus()
      const attempts: number[] = []
      subscriptions.push(
        await bus.subscribe(
          {
            consumer: 'gives-up',
            event: 'order.paid',
            prefetch: 8,
            retryDelaysMs: [100, 200],
            transientWaitMs: 300,
          },
          async (d) => {
            attempts.push(d.attempt)
            throw new DomainError('UNAVAILABLE', 'orders is down for good')
          },
        ),
      )
      await bus.publish('order.paid', paid())
      // Waits of 100 and 200 ms spend the 300 ms; then the tries count: 2 retries, parked.
      await vi.advanceTimersByTimeAsync(100 + 200 + 100 + 200 + 50)
      expect(attempts).toEqual([1, 1, 1, 2, 3])
      const [parked] = await bus.parked()
      expect(parked).toMatchObject({ consumer: 'gives-up', tries: 3 })
      expect(parked?.error).toContain('orders is down for good')
    } finally {
      vi.useRealTimers()
    }
  })

  it('parks a poison message at once while other messages keep flowing', async () => {
    const bus = newBus()
    const attempts: string[] = []
    const handled: string[] = []
    await subscribe(
      bus,
      'picky',
      async (d) => {
        attempts.push(orderIdOf(d))
        if (orderIdOf(d) === 'poison') throw new PoisonMessageError('fails its schema')
        handled.push(orderIdOf(d))
      },
      { retryDelaysMs: [50, 100, 200] },
    )
    await bus.publish('order.paid', paid('before'))
    await bus.publish('order.paid', paid('poison'))
    await bus.publish('order.paid', paid('after'))

    await waitFor(() => (handled.length === 2 ? true : undefined))
    const parked = await waitFor(async () => {
      const list = await bus.parked('picky')
      return list.length > 0 ? list : undefined
    })
    expect(handled).toEqual(['before', 'after'])
    expect(parked).toEqual([
      expect.objectContaining({
        id: 'poison:paid',
        error: 'PoisonMessageError: fails its schema',
        tries: 1,
      }),
    ])
    expect(attempts.filter((id) => id === 'poison')).toHaveLength(1)
  })

  it('replays parked messages back to their consumer, by consumer or by id', async () => {
    const bus = newBus()
    let healed = false
    const handled: { id: string; attempt: number }[] = []
    await subscribe(bus, 'replayable', async (d) => {
      if (!healed) throw new PoisonMessageError('not today')
      handled.push({ id: orderIdOf(d), attempt: d.attempt })
    })
    const other: string[] = []
    await subscribe(bus, 'bystander', async (d) => void other.push(orderIdOf(d)))
    await bus.publish('order.paid', paid('r1'))
    await bus.publish('order.paid', paid('r2'))
    await waitFor(async () => ((await bus.parked('replayable')).length === 2 ? true : undefined))
    expect(await bus.parked('bystander')).toEqual([])

    healed = true
    expect(await bus.replay({ id: 'r2:paid' })).toBe(1)
    await waitFor(() => (handled.length === 1 ? true : undefined))
    expect(handled).toEqual([{ id: 'r2', attempt: 1 }])
    expect((await bus.parked()).map((m) => m.id)).toEqual(['r1:paid'])

    expect(await bus.replay({ consumer: 'replayable' })).toBe(1)
    await waitFor(() => (handled.length === 2 ? true : undefined))
    expect(await bus.parked()).toEqual([])
    expect(await bus.replay({})).toBe(0)
    // The bystander got each message once: a replay goes to the parked consumer only.
    expect(other.sort()).toEqual(['r1', 'r2'])
  })

  it('reports itself healthy', async () => {
    expect(await newBus().health()).toEqual({ ok: true })
  })
})
