/**
 * `bus.stats()`, what the dashboard's queue table shows, on the embedded bus and on RabbitMQ
 * (its own namespace, deleted afterwards): per consumer queue, the messages ready, in flight in
 * this process, waiting out a retry delay and parked — and a queue only declared counts what it
 * was sent.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { memoryBus } from '../runtime/adapters/bus/memory-bus.ts'
import { type Bus, PoisonMessageError, type QueueStats } from '../runtime/ports/bus.ts'
import { silentLogger, waitFor } from './fixtures.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

/** Long enough that a failed message is still waiting when the counts are read. */
const RETRY_MS = 60_000

const message = (kind: 'hold' | 'fail' | 'poison') => ({
  eventId: `evt-${kind}-${Math.random().toString(36).slice(2)}`,
  kind,
})

type Counts = Omit<QueueStats, 'consumer' | 'event'>

async function countsOf(bus: Bus, consumer: string): Promise<Counts | undefined> {
  const found = (await bus.stats()).find((s) => s.consumer === consumer)
  if (!found) return undefined
  const { consumer: _, event: __, ...counts } = found
  return counts
}

/** Waits until the consumer's counts are `want` (they settle a little after each step). */
async function expectCounts(bus: Bus, consumer: string, want: Counts) {
  let last: Counts | undefined
  await waitFor(
    async () => {
      last = await countsOf(bus, consumer)
      return JSON.stringify(last) === JSON.stringify(want) ? true : undefined
    },
    { what: `${consumer} to count ${JSON.stringify(want)}`, timeoutMs: 5000 },
  ).catch(() => undefined)
  expect(last).toEqual(want)
}

async function countsEveryState(bus: Bus) {
  await bus.declare([{ consumer: 'test.idle', event: 'test.happened' }])
  let release: () => void = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  await bus.subscribe(
    { consumer: 'test.counted', event: 'test.happened', prefetch: 1, retryDelaysMs: [RETRY_MS] },
    async (d) => {
      const { kind } = JSON.parse(d.body) as { kind: string }
      if (kind === 'hold') await held
      if (kind === 'fail') throw new Error('the printer is out of paper')
      if (kind === 'poison') throw new PoisonMessageError('never readable')
    },
  )
  const empty = { ready: 0, inFlight: 0, retrying: 0, parked: 0 }
  await expectCounts(bus, 'test.counted', empty)
  await expectCounts(bus, 'test.idle', empty)

  await bus.publish('test.happened', message('hold'))
  await expectCounts(bus, 'test.counted', { ...empty, inFlight: 1 })
  // One at a time (prefetch 1): the next two wait behind the one being handled.
  await bus.publish('test.happened', message('fail'))
  await bus.publish('test.happened', message('poison'))
  await expectCounts(bus, 'test.counted', { ...empty, ready: 2, inFlight: 1 })

  release()
  await expectCounts(bus, 'test.counted', { ready: 0, inFlight: 0, retrying: 1, parked: 1 })
  // Nobody consumes the declared queue: it holds its copy of each message.
  await expectCounts(bus, 'test.idle', { ...empty, ready: 3 })
  const stats = await bus.stats()
  expect(stats.find((s) => s.consumer === 'test.counted')?.event).toBe('test.happened')

  expect(await bus.replay({ consumer: 'test.counted' })).toBe(1)
  // Replayed, the poison message is parked again at once.
  await expectCounts(bus, 'test.counted', { ready: 0, inFlight: 0, retrying: 1, parked: 1 })
}

describe('bus stats on the embedded bus', () => {
  const buses: Bus[] = []
  afterEach(async () => {
    for (const bus of buses.splice(0)) await bus.close()
  })

  it('counts ready, in-flight, retrying and parked messages per consumer queue', async () => {
    const bus = memoryBus()
    buses.push(bus)
    await countsEveryState(bus)
  })
})

describe.skipIf(!(await rabbitAvailable()))('bus stats on RabbitMQ', () => {
  const open: { bus: Bus; ns: string }[] = []
  afterEach(async () => {
    for (const { bus, ns } of open.splice(0)) {
      await bus.close()
      await deleteNamespace(ns)
    }
  })

  it('counts ready, in-flight, retrying and parked messages per consumer queue', async () => {
    const ns = testNamespace()
    const bus = await amqpBus({
      url: RABBIT_URL,
      namespace: ns,
      retryDelaysMs: [RETRY_MS],
      log: silentLogger,
    })
    open.push({ bus, ns })
    await countsEveryState(bus)
  })
})
