/**
 * 3. Messages per second through the RabbitMQ bus adapter (publish with confirms → consume →
 * ack) next to raw amqplib doing the same on the same broker in the same run, as a ratio.
 *
 *   npx tsx bench/amqp-throughput.ts [--quick] [--messages N]     (or npm run bench -- --only amqp)
 *
 * Both sides keep the same number of publishes in flight (WINDOW) and the same prefetch, send
 * the same persistent JSON bodies with a message id, wait for every confirm, and parse each body
 * before a manual ack. Both run in this process, so its CPU time per message is compared too
 * (on two cores the broker can cap both rates). A first, uncounted round of each warms up.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'amqplib'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { createLogger } from '../runtime/log.ts'
import { RABBIT_URL as URL } from './lib/env.ts'
import { type Benchmark, n0, n1, times } from './lib/report.ts'

const WINDOW = 256
const PREFETCH = 256
const GOAL = 0.8

const body = (i: number) => ({
  eventId: `bench-${i}-${randomBytes(4).toString('hex')}`,
  orderId: `order-${i}`,
  customerId: 'bench',
  occurredAt: new Date().toISOString(),
})

/** Runs `publish(i)` for every i < messages with at most WINDOW in flight. */
async function pump(messages: number, publish: (i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < messages) await publish(next++)
    }),
  )
}

interface Round {
  rate: number
  /** CPU time (user + system) of this process per message, in microseconds. */
  cpuMicros: number
}

/** The round that started at `start` (performance.now) with CPU usage `cpu` has just ended. */
function ended(messages: number, start: number, cpu: NodeJS.CpuUsage): Round {
  const rate = messages / ((performance.now() - start) / 1000)
  const { user, system } = process.cpuUsage(cpu)
  return { rate, cpuMicros: (user + system) / messages }
}

async function adapter(messages: number): Promise<Round> {
  const namespace = `bench${randomBytes(3).toString('hex')}`
  const bus = await amqpBus({
    url: URL,
    namespace,
    retryDelaysMs: [1000],
    log: createLogger('silent'),
  })
  let consumed = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => (done = resolve))
  await bus.subscribe(
    { consumer: 'bench.consumer', event: 'order.paid', prefetch: PREFETCH, retryDelaysMs: [1000] },
    async (delivery) => {
      JSON.parse(delivery.body)
      if (++consumed === messages) done()
    },
  )
  const start = performance.now()
  const cpu = process.cpuUsage()
  await pump(messages, (i) => bus.publish('order.paid', body(i)))
  await finished
  const round = ended(messages, start, cpu)
  const conn = await connect(URL)
  const ch = await conn.createChannel()
  for (const q of ['bench.consumer', 'bench.consumer.parked', 'bench.consumer.retry.1000ms'])
    await ch.deleteQueue(`${namespace}.${q}`)
  for (const e of ['order.created', 'order.paid', 'order.cancelled', 'order.ready'])
    await ch.deleteExchange(`${namespace}.${e}`)
  await conn.close()
  await bus.close()
  return round
}

async function raw(messages: number): Promise<Round> {
  // The best raw amqplib does: Nagle's algorithm off (amqplib leaves it on unless asked), so a
  // small frame never waits for the broker's delayed ACK.
  const conn = await connect(URL, { noDelay: true })
  const pub = await conn.createConfirmChannel()
  const sub = await conn.createChannel()
  const exchange = `bench-raw-${randomBytes(3).toString('hex')}`
  const { queue } = await sub.assertQueue(`${exchange}.q`, { durable: true })
  await sub.assertExchange(exchange, 'fanout', { durable: true })
  await sub.bindQueue(queue, exchange, '')
  await sub.prefetch(PREFETCH)
  let consumed = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => (done = resolve))
  await sub.consume(queue, (msg) => {
    if (!msg) return
    JSON.parse(msg.content.toString())
    sub.ack(msg)
    if (++consumed === messages) done()
  })
  const start = performance.now()
  const cpu = process.cpuUsage()
  await pump(
    messages,
    (i) =>
      new Promise<void>((resolve, reject) => {
        const b = body(i)
        pub.publish(
          exchange,
          '',
          Buffer.from(JSON.stringify(b)),
          { persistent: true, messageId: b.eventId },
          (err) => (err ? reject(err) : resolve()),
        )
      }),
  )
  await finished
  const round = ended(messages, start, cpu)
  await sub.deleteQueue(queue)
  await sub.deleteExchange(exchange)
  await conn.close()
  return round
}

/** A shorter uncounted round each, then raw amqplib and the adapter in turn, `rounds` times (3;
 * 1 when quick); the best rate and the lowest CPU per message of each count. */
export async function benchAmqp(options: { quick?: boolean; messages?: number } = {}) {
  const { quick = false, messages = quick ? 2_000 : 40_000 } = options
  const rounds = quick ? 1 : 3
  const warmUp = Math.ceil(messages / 4)
  await raw(warmUp)
  await adapter(warmUp)
  const rawRounds: Round[] = []
  const adapterRounds: Round[] = []
  for (let r = 0; r < rounds; r++) {
    rawRounds.push(await raw(messages))
    adapterRounds.push(await adapter(messages))
  }
  const best = (xs: Round[]) => Math.max(...xs.map((x) => x.rate))
  const leastCpu = (xs: Round[]) => Math.min(...xs.map((x) => x.cpuMicros))
  return {
    messages,
    rounds,
    window: WINDOW,
    prefetch: PREFETCH,
    raw: best(rawRounds),
    adapter: best(adapterRounds),
    ratio: best(adapterRounds) / best(rawRounds),
    rawCpuMicros: leastCpu(rawRounds),
    adapterCpuMicros: leastCpu(adapterRounds),
    rawRates: rawRounds.map((x) => x.rate),
    adapterRates: adapterRounds.map((x) => x.rate),
    rawCpuMicrosPerMessage: rawRounds.map((x) => x.cpuMicros),
    adapterCpuMicrosPerMessage: adapterRounds.map((x) => x.cpuMicros),
  }
}

export const amqpBench: Benchmark = {
  name: 'amqp',
  title: 'Queue consumer on RabbitMQ: adapter vs raw amqplib',
  async run({ quick }) {
    const r = await benchAmqp({ quick })
    return {
      rows: [
        {
          id: 3,
          what: 'RabbitMQ publish (confirms) → consume → ack (msg/s)',
          value: `${n0(r.adapter)} msg/s; ${n1(r.adapterCpuMicros)} µs CPU/msg`,
          baseline: `${n0(r.raw)} msg/s; ${n1(r.rawCpuMicros)} µs (raw amqplib)`,
          ratio: times(r.ratio),
          goal: `≥ ${GOAL}×`,
          met: r.ratio >= GOAL,
          note: `${r.rounds === 1 ? 'one round' : `best of ${r.rounds} rounds`} of ${n0(r.messages)} messages; CPU/msg (the bench process publishes and consumes): adapter ${times(r.adapterCpuMicros / r.rawCpuMicros)} raw's`,
        },
      ],
      details: r,
    }
  },
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const countArg = process.argv.indexOf('--messages')
  const r = await benchAmqp({
    quick: process.argv.includes('--quick'),
    ...(countArg > 0 && { messages: Number(process.argv[countArg + 1]) }),
  })
  console.log(`messages per round: ${r.messages}, best of ${r.rounds}`)
  console.log(`raw amqplib   ${Math.round(r.raw)} msg/s, ${r.rawCpuMicros.toFixed(1)} µs CPU/msg`)
  console.log(
    `oms adapter   ${Math.round(r.adapter)} msg/s, ${r.adapterCpuMicros.toFixed(1)} µs CPU/msg`,
  )
  console.log(`ratio         ${r.ratio.toFixed(2)} (goal ≥ ${GOAL})`)
}
