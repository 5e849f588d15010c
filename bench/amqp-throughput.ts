/**
 * Messages per second through the RabbitMQ bus adapter (publish with confirms → consume → ack)
 * next to raw amqplib doing the same on the same broker in the same run, as a ratio.
 *
 *   npx tsx bench/amqp-throughput.ts [--quick] [--messages N]
 *
 * Both sides keep the same number of publishes in flight (WINDOW) and the same prefetch.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'amqplib'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { createLogger } from '../runtime/log.ts'

const URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'
const quick = process.argv.includes('--quick')
const countArg = process.argv.indexOf('--messages')
const MESSAGES = countArg > 0 ? Number(process.argv[countArg + 1]) : quick ? 2_000 : 20_000
const WINDOW = 256
const PREFETCH = 256
const ROUNDS = quick ? 1 : 3

const body = (i: number) => ({
  eventId: `bench-${i}-${randomBytes(4).toString('hex')}`,
  orderId: `order-${i}`,
  customerId: 'bench',
  occurredAt: new Date().toISOString(),
})

/** Runs `publish(i)` for every i with at most WINDOW in flight. */
async function pump(publish: (i: number) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < MESSAGES) await publish(next++)
    }),
  )
}

async function adapter(): Promise<number> {
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
    async () => {
      if (++consumed === MESSAGES) done()
    },
  )
  const start = performance.now()
  await pump((i) => bus.publish('order.paid', body(i)))
  await finished
  const rate = MESSAGES / ((performance.now() - start) / 1000)
  const conn = await connect(URL)
  const ch = await conn.createChannel()
  for (const q of ['bench.consumer', 'bench.consumer.parked', 'bench.consumer.retry.1000ms'])
    await ch.deleteQueue(`${namespace}.${q}`)
  for (const e of ['order.created', 'order.paid', 'order.cancelled', 'order.ready'])
    await ch.deleteExchange(`${namespace}.${e}`)
  await conn.close()
  await bus.close()
  return rate
}

async function raw(): Promise<number> {
  const conn = await connect(URL)
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
    if (++consumed === MESSAGES) done()
  })
  const start = performance.now()
  await pump(
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
  const rate = MESSAGES / ((performance.now() - start) / 1000)
  await sub.deleteQueue(queue)
  await sub.deleteExchange(exchange)
  await conn.close()
  return rate
}

export async function benchAmqp() {
  const rawRates: number[] = []
  const adapterRates: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    rawRates.push(await raw())
    adapterRates.push(await adapter())
  }
  const best = (xs: number[]) => Math.max(...xs)
  return {
    messages: MESSAGES,
    raw: best(rawRates),
    adapter: best(adapterRates),
    ratio: best(adapterRates) / best(rawRates),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchAmqp()
  console.log(`messages per round: ${r.messages}, best of ${ROUNDS}`)
  console.log(`raw amqplib   ${Math.round(r.raw)} msg/s`)
  console.log(`oms adapter   ${Math.round(r.adapter)} msg/s`)
  console.log(`ratio         ${r.ratio.toFixed(2)} (goal ≥ 0.8)`)
}
