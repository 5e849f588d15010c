/**
 * A whole system in one child process (bench/servers/system.ts) with stock raised, and the
 * order load the end-to-end, latency and tracing benchmarks put on it: orders posted with
 * autocannon, completions counted when payments has consumed each order's `order.created`.
 */
import { randomBytes } from 'node:crypto'
import { deleteNamespace } from '../../test/servers/rabbitmq.ts'
import { type ChildServer, startChild } from './child.ts'
import { ADMIN_TOKEN, RABBIT_URL } from './env.ts'
import { type LoadOptions, type LoadResult, load } from './load.ts'
import { ORDER_BODY, ordersUrl, stockUp } from './orders.ts'

export interface SystemOptions {
  rabbitmq?: boolean
  /** More variables (e.g. OTEL_EXPORTER_OTLP_ENDPOINT). */
  vars?: Record<string, string>
}

export interface OrderRun {
  load: LoadResult
  /** Orders whose order.created payments consumed, per second from the first POST to the last. */
  completionsPerSec: number
  /** How long after the last response the last order.created was consumed. */
  drainMs: number
  /** Server CPU time per order, in microseconds. */
  cpuMicrosPerOrder: number
}

export interface BenchSystem {
  url: string
  pid: number
  /** Posts orders for a while, then waits until payments consumed every one. */
  orders(options: Omit<LoadOptions, 'url' | 'method' | 'body'>): Promise<OrderRun>
  stop(): Promise<void>
}

interface Consumed {
  consumed: number
  lastConsumedAt: number
}

const DRAIN_TIMEOUT_MS = 30_000

async function drained(server: ChildServer<unknown>, target: number): Promise<Consumed> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS
  for (;;) {
    const state = await server.ask<Consumed>('consumed')
    if (state.consumed >= target) return state
    if (Date.now() > deadline)
      throw new Error(`payments consumed ${state.consumed} of ${target} order.created in time`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

export async function startSystem({ rabbitmq = false, vars = {} }: SystemOptions = {}) {
  const namespace = `bench${randomBytes(4).toString('hex')}`
  const server = await startChild<{ url: string }>('system', [], {
    PORT: '0',
    ADMIN_TOKEN,
    ...(rabbitmq && { AMQP_URL: RABBIT_URL, AMQP_NAMESPACE: namespace }),
    ...vars,
  })
  const { url } = server.ready
  await stockUp(url)
  let placed = 0
  const system: BenchSystem = {
    url,
    pid: server.pid,
    async orders(options) {
      const cpuBefore = await server.cpuMicros()
      const result = await load({
        ...options,
        url: ordersUrl(url),
        method: 'POST',
        body: ORDER_BODY,
      })
      if (result.non2xx + result.errors > 0)
        throw new Error(
          `${result.non2xx} non-2xx answers and ${result.errors} errors placing orders`,
        )
      placed += result.ok
      const { lastConsumedAt } = await drained(server, placed)
      const cpu = (await server.cpuMicros()) - cpuBefore
      return {
        load: result,
        completionsPerSec: result.ok / ((lastConsumedAt - result.startedAt) / 1000),
        drainMs: Math.max(0, lastConsumedAt - result.finishedAt),
        cpuMicrosPerOrder: cpu / Math.max(1, result.ok),
      }
    },
    async stop() {
      await server.stop()
      if (rabbitmq) await deleteNamespace(namespace)
    },
  }
  return system
}
