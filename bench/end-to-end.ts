/**
 * 4. End to end: orders per second from the POST to payments having consumed the order's
 * `order.created` (checkout opened, payment link stored on the order), with every function in
 * one process — on the embedded bus, and on RabbitMQ. autocannon keeps CONNECTIONS requests
 * in flight for a while; the rate counts from the first POST to the last consumption.
 */
import { type Benchmark, n0, n1, type Row } from './lib/report.ts'
import { type OrderRun, startSystem } from './lib/system.ts'

const CONNECTIONS = 100
const GOAL_RABBITMQ = 1000

export const endToEndBench: Benchmark = {
  name: 'end-to-end',
  title: 'Orders per second, POST → order.created consumed by payments',
  async run({ quick }) {
    const durationS = quick ? 2 : 8
    const rows: Row[] = []
    const details: Record<string, unknown> = { connections: CONNECTIONS, durationS }
    for (const rabbitmq of [false, true]) {
      const name = rabbitmq ? 'rabbitmq' : 'embedded'
      const system = await startSystem({ rabbitmq })
      let run: OrderRun
      try {
        await system.orders({ connections: CONNECTIONS, durationS: quick ? 1 : 2 }) // warm-up
        run = await system.orders({ connections: CONNECTIONS, durationS })
      } finally {
        await system.stop()
      }
      details[name] = run
      rows.push({
        id: 4,
        what: `End to end, one process, ${rabbitmq ? 'RabbitMQ' : 'embedded bus'} (orders/s)`,
        value: `${n0(run.completionsPerSec)} orders/s`,
        note: `${CONNECTIONS} connections; POST p50 ${n1(run.load.latencyMs.p50)} ms, p99 ${n1(run.load.latencyMs.p99)} ms; ${n0(run.cpuMicrosPerOrder)} µs CPU/order`,
        ...(rabbitmq && {
          goal: `≥ ${n0(GOAL_RABBITMQ)}/s`,
          met: run.completionsPerSec >= GOAL_RABBITMQ,
        }),
      })
    }
    return { rows, details }
  },
}
