/**
 * The order loads of the deployment benchmark, each with what it cost: a closed loop
 * (`connections` POSTs kept in flight) whose orders count once their payment link is stored
 * (the marker order), with the CPU time of every process named and, on FerretDB, the store
 * commands FerretDB counted meanwhile; and the commands FerretDB counts with no order at all
 * (background work) or per GET of an order, to take out of the window's count.
 */
import { randomUUID } from 'node:crypto'
import { type ClosedLoopResult, closedLoop } from './closed-loop.ts'
import { type CpuSource, cpuBetween, cpuSnapshot } from './cpu-meter.ts'
import { type CommandCounts, commandCounts, countsBetween, minus, per } from './ferretdb-metrics.ts'
import { markerOrder } from './marker.ts'
import { ORDER_BODY, ordersUrl } from './orders.ts'

/** A fresh Idempotency-Key, as the storefront sends with each order it places. */
export const keyHeader = () => ({ 'idempotency-key': randomUUID() })

export interface MaxRun {
  load: ClosedLoopResult
  /** Orders placed in the window (the load's 2xx answers and the marker). */
  orders: number
  /** Orders per second from the first POST to the marker's payment link. */
  ordersPerS: number
  /** How long after the last answer the marker's payment link was stored. */
  drainMs: number
  /** CPU time per order of each part, in µs. */
  cpuMicrosPerOrder: Record<string, number>
  /** What FerretDB counted in the window (with the marker's GETs and background work). */
  commands?: CommandCounts
  markerPolls: number
  /** Tries of the marker's POST refused before one placed it (their commands are counted too). */
  markerFailedPosts: number
  /** Why the marker failed, when it did: `ordersPerS` then counts orders placed, not through. */
  markerError?: string
  windowS: number
}

export interface MaxRunOptions {
  url: string
  durationS: number
  connections: number
  cpuSources: Record<string, CpuSource>
  metricsUrl?: string
}

/** A closed loop of POSTs for `durationS`, then the marker; the marker of the load before must be in. */
export async function maxRun(options: MaxRunOptions): Promise<MaxRun> {
  const { url, durationS, connections, cpuSources, metricsUrl } = options
  const countsBefore = metricsUrl ? await commandCounts(metricsUrl) : undefined
  const cpuBefore = await cpuSnapshot(cpuSources)
  const t0 = performance.now()
  const result = await closedLoop({
    url: ordersUrl(url),
    body: ORDER_BODY,
    connections,
    durationS,
    headers: keyHeader,
  })
  // Without its marker (the system refusing it, or not paying it in time) a run still counts
  // the orders placed, per second of the loop: placed, not known to be through.
  const marker = await markerOrder(url, { headers: keyHeader }).catch((err: unknown) =>
    err instanceof Error ? err.message : String(err),
  )
  const windowS = (performance.now() - t0) / 1000
  const cpuAfter = await cpuSnapshot(cpuSources)
  const countsAfter = metricsUrl ? await commandCounts(metricsUrl) : undefined
  const through = typeof marker !== 'string'
  const orders = result.ok + (through ? 1 : 0)
  const cpu = cpuBetween(cpuBefore, cpuAfter)
  const endAt = through ? marker.at : result.finishedAt
  return {
    load: result,
    orders,
    ordersPerS: orders / Math.max(0.001, (endAt - result.startedAt) / 1000),
    drainMs: Math.max(0, endAt - result.finishedAt),
    cpuMicrosPerOrder: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, v / orders])),
    ...(countsBefore && countsAfter && { commands: countsBetween(countsBefore, countsAfter) }),
    markerPolls: through ? marker.polls : 0,
    markerFailedPosts: through ? marker.failedPosts : 0,
    ...(!through && { markerError: marker }),
    windowS,
  }
}

/** Commands per second FerretDB receives while no request arrives (the relay's and sweep's polls). */
export async function backgroundRate(metricsUrl: string, idleS: number): Promise<CommandCounts> {
  const before = await commandCounts(metricsUrl)
  const t0 = performance.now()
  await new Promise((resolve) => setTimeout(resolve, idleS * 1000))
  const after = await commandCounts(metricsUrl)
  return per(countsBetween(before, after), (performance.now() - t0) / 1000)
}

/** Commands one GET of an order causes (background work taken out), from `gets` GETs. */
export async function commandsPerGet(
  url: string,
  metricsUrl: string,
  background: CommandCounts,
  gets = 20,
): Promise<CommandCounts> {
  // An order nobody placed: its GET reads the store as the marker's do (one lookup by id),
  // and needs no order placed first (which a struggling system may refuse).
  const orderId = randomUUID()
  const before = await commandCounts(metricsUrl)
  const t0 = performance.now()
  for (let i = 0; i < gets; i++)
    await (await fetch(`${ordersUrl(url, 'marker')}/${orderId}`)).text()
  const after = await commandCounts(metricsUrl)
  const seconds = (performance.now() - t0) / 1000
  return per(minus(countsBetween(before, after), background, seconds), gets)
}

/** The window's commands per order: less the background work and the marker's GETs. */
export function commandsPerOrder(
  run: MaxRun,
  background: CommandCounts,
  perGet: CommandCounts,
): CommandCounts {
  const counted = run.commands ?? {}
  const orderOnly = minus(minus(counted, background, run.windowS), perGet, run.markerPolls)
  return per(orderOnly, run.orders)
}
