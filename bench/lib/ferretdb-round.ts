/**
 * One round of measurements on a deployment whose store is FerretDB: what one store command
 * costs alone, the background commands, then the most orders per second a closed loop gets
 * through (with commands and CPU per order) and the POST's latency at fixed open-loop rates.
 */
import { loadavg } from 'node:os'
import type { CpuSource } from './cpu-meter.ts'
import type { Deployment } from './deployment-system.ts'
import { type CommandCounts, total } from './ferretdb-metrics.ts'
import { markerOrder } from './marker.ts'
import { type OpenLoopResult, openLoop } from './open-loop.ts'
import {
  backgroundRate,
  commandsPerGet,
  commandsPerOrder,
  keyHeader,
  type MaxRun,
  maxRun,
} from './order-runs.ts'
import { ORDER_BODY, ordersUrl } from './orders.ts'
import { lookupLatency, type StoreLatency, storeLatency } from './store-latency.ts'

export interface RoundOptions {
  deployment: Deployment
  /** CPU sources of the infrastructure (FerretDB, PostgreSQL, Consul), besides the deployment's. */
  infra: Record<string, CpuSource>
  metricsUrl: string
  /** A database of its own on the same FerretDB, for the command latency probe. */
  probeUri: string
  /** The deployment's own database, whose orders are looked up by id. */
  storeUri: string
  connections: number
  maxS: number
  rates: readonly number[]
  rateS: number
  idleS: number
  probeRounds: number
}

/** What loading the deployment measured (missing when the load failed: see `error`). */
export interface RoundLoad {
  /** Commands per second with no request arriving. */
  background: CommandCounts
  perGet: CommandCounts
  max: MaxRun
  /** Store commands per order, by command. */
  perOrder: CommandCounts
  commandsPerOrder: number
  /** 1 / (commands per order × median command latency), orders/s. */
  serialCeiling: number
  ceilingShare: number
  rates: OpenLoopResult[]
  /** Markers after a rate that did not get through (the next load then starts on a backlog). */
  drainErrors: string[]
}

export interface FerretRound extends Partial<RoundLoad> {
  loadAverage: number
  latency: StoreLatency
  /** Median findOne by _id on the deployment's orders collection, ms. */
  orderLookupMs: number
  /** Why loading the deployment failed, when it did. */
  error?: string
}

/** The collection an order lives in (the orders domain's, on the deployment's database). */
const ORDERS = 'orders.orders'

export async function ferretRound(o: RoundOptions): Promise<FerretRound> {
  const loadAverage = loadavg()[0] ?? Number.NaN
  // The probes first: they need nothing of the deployment, so a load that fails keeps them.
  const latency = await storeLatency(o.probeUri, o.probeRounds)
  const orderLookupMs = await lookupLatency(o.storeUri, ORDERS, Math.min(50, o.probeRounds))
  try {
    return { loadAverage, latency, orderLookupMs, ...(await loadRound(o, latency)) }
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err)
    return { loadAverage, latency, orderLookupMs, error }
  }
}

async function loadRound(o: RoundOptions, latency: StoreLatency): Promise<RoundLoad> {
  const { deployment, metricsUrl } = o
  const background = await backgroundRate(metricsUrl, o.idleS)
  const perGet = await commandsPerGet(deployment.url, metricsUrl, background)
  const max = await maxRun({
    url: deployment.url,
    durationS: o.maxS,
    connections: o.connections,
    cpuSources: { ...deployment.cpuSources, ...o.infra },
    metricsUrl,
  })
  const perOrder = commandsPerOrder(max, background, perGet)
  const rates: OpenLoopResult[] = []
  const drainErrors: string[] = []
  for (const ratePerS of o.rates) {
    rates.push(
      await openLoop({
        url: ordersUrl(deployment.url),
        body: ORDER_BODY,
        ratePerS,
        durationS: o.rateS,
        headers: keyHeader,
      }),
    )
    // Whatever the rate left queued is consumed before the next load starts; a system that
    // cannot finish the marker keeps its figures, with the failure said.
    await markerOrder(deployment.url, { headers: keyHeader }).catch((err: unknown) => {
      drainErrors.push(`after ${ratePerS} req/s: ${err instanceof Error ? err.message : err}`)
    })
  }
  const commands = total(perOrder)
  const serialCeiling = 1000 / (commands * latency.medianMs)
  return {
    background,
    perGet,
    max,
    perOrder,
    commandsPerOrder: commands,
    serialCeiling,
    ceilingShare: max.ordersPerS / serialCeiling,
    rates,
    drainErrors,
  }
}
