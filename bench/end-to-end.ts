/**
 * 4. End to end: orders per second from the POST to payments having consumed the order's
 * `order.created` (checkout opened, payment link stored on the order). Every function in one
 * process — on the embedded bus, and on RabbitMQ — where payments' consumer is counted; then
 * the six domain bundles as separate processes on RabbitMQ (what the containers run), where
 * the end is marked by one more order placed after the load: when its payment link appears,
 * everything before it has gone through (the queue is first in, first out). autocannon keeps
 * CONNECTIONS requests in flight; the rate counts from the first POST to the last completion.
 */
import { load } from './lib/load.ts'
import { markerOrder } from './lib/marker.ts'
import { ORDER_BODY, ordersUrl, stockUp } from './lib/orders.ts'
import { cpuMicros } from './lib/proc.ts'
import { type Benchmark, n0, n1, type Row } from './lib/report.ts'
import { startSixProcesses } from './lib/six-processes.ts'
import { type OrderRun, startSystem } from './lib/system.ts'

const CONNECTIONS = 100
const GOAL_RABBITMQ = 1000
/** The six bundles on RabbitMQ: orders per second through the gateway, end to end. */
async function sixProcesses(durationS: number, warmS: number): Promise<OrderRun> {
  const system = await startSixProcesses()
  try {
    await stockUp(system.url)
    const url = ordersUrl(system.url)
    const options = { url, method: 'POST', body: ORDER_BODY, connections: CONNECTIONS } as const
    await load({ ...options, durationS: warmS })
    await markerOrder(system.url)
    const pids = [...system.processes.values()].map((p) => p.child.pid as number)
    const cpu = async () => (await Promise.all(pids.map(cpuMicros))).reduce((a, b) => a + b, 0)
    const cpuBefore = await cpu()
    const result = await load({ ...options, durationS })
    if (result.non2xx + result.errors > 0)
      throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors placing orders`)
    const { at: doneAt } = await markerOrder(system.url)
    return {
      load: result,
      completionsPerSec: result.ok / ((doneAt - result.startedAt) / 1000),
      drainMs: Math.max(0, doneAt - result.finishedAt),
      cpuMicrosPerOrder: ((await cpu()) - cpuBefore) / result.ok,
    }
  } finally {
    await system.stop()
  }
}

export const endToEndBench: Benchmark = {
  name: 'end-to-end',
  title: 'Orders per second, POST → order.created consumed by payments',
  async run({ quick }) {
    const durationS = quick ? 2 : 8
    const warmS = quick ? 1 : 2
    const rows: Row[] = []
    const details: Record<string, unknown> = { connections: CONNECTIONS, durationS }
    const setups = [
      { name: 'embedded', what: 'one process, embedded bus', rabbitmq: false },
      { name: 'rabbitmq', what: 'one process, RabbitMQ', rabbitmq: true },
      { name: 'processes', what: 'six processes (bundles), RabbitMQ', rabbitmq: true },
    ]
    for (const setup of setups) {
      let run: OrderRun
      if (setup.name === 'processes') run = await sixProcesses(durationS, warmS)
      else {
        const system = await startSystem({ rabbitmq: setup.rabbitmq })
        try {
          await system.orders({ connections: CONNECTIONS, durationS: warmS })
          run = await system.orders({ connections: CONNECTIONS, durationS })
        } finally {
          await system.stop()
        }
      }
      details[setup.name] = run
      rows.push({
        id: 4,
        what: `End to end, ${setup.what} (orders/s)`,
        value: `${n0(run.completionsPerSec)} orders/s`,
        ...(setup.rabbitmq && {
          goal: `≥ ${n0(GOAL_RABBITMQ)}/s`,
          met: run.completionsPerSec >= GOAL_RABBITMQ,
        }),
        note: `${CONNECTIONS} connections; POST p50 ${n1(run.load.latencyMs.p50)} ms, p99 ${n1(run.load.latencyMs.p99)} ms; ${n0(run.cpuMicrosPerOrder)} µs CPU/order`,
      })
    }
    return { rows, details }
  },
}
