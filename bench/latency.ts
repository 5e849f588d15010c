/**
 * 5. Create-order latency at a fixed 500 requests per second (autocannon's overallRate) for
 * 30 s, every function in one process on RabbitMQ (as a deployment would publish). The
 * percentiles are of every 2xx response's own time.
 *
 * How autocannon paces: each connection may send its share of the rate (here 500/10 = 50 a
 * second) back to back as answers come, then waits for the next second — so each second's
 * orders arrive as CONNECTIONS concurrent streams, a burstier load than evenly spaced arrivals.
 */
import { type Benchmark, n0, n1 } from './lib/report.ts'
import { startSystem } from './lib/system.ts'

const RATE = 500
const CONNECTIONS = 10
const GOAL_P99_MS = 20

export const latencyBench: Benchmark = {
  name: 'latency',
  title: 'Create-order latency at a fixed 500 requests/s',
  async run({ quick }) {
    const durationS = quick ? 5 : 30
    const system = await startSystem({ rabbitmq: true })
    try {
      await system.orders({ connections: CONNECTIONS, overallRate: RATE, durationS: 2 }) // warm-up
      const run = await system.orders({ connections: CONNECTIONS, overallRate: RATE, durationS })
      const { p50, p99 } = run.load.latencyMs
      return {
        rows: [
          {
            id: 5,
            what: `Create-order latency at ${RATE} req/s, RabbitMQ (p50 / p99)`,
            value: `${n1(p50)} / ${n1(p99)} ms`,
            goal: `p99 < ${GOAL_P99_MS} ms`,
            met: p99 < GOAL_P99_MS,
            note: `${durationS} s, ${CONNECTIONS} connections, ${n0(run.load.rps)} req/s served; max ${n1(run.load.latencyMs.max)} ms`,
          },
        ],
        details: { rate: RATE, connections: CONNECTIONS, durationS, ...run },
      }
    } finally {
      await system.stop()
    }
  },
}
