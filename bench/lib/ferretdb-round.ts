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
import { type StoreLatency, storeLatency } from './store-latency.ts'

export interface RoundOptions {
  deployment: Deployment
  /** CPU sources of the infrastructure (FerretDB, PostgreSQL, Consul), besides the deployment's. */
  infra: Record<string, CpuSource>
  metricsUrl: string
  /** A database of its own on the same FerretDB, for the command latency probe. */
  probeUri: string
  connections: number
  maxS: number
  rates: readonly number[]
  rateS: number
  idleS: number
  probeRounds: number
}

export interface FerretRound {
  loadAverage: number
  latency: StoreLatency
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
}

export async function ferretRound(o: RoundOptions): Promise<FerretRound> {
  const { deployment, metricsUrl } = o
  const loadAverage = loadavg()[0] ?? Number.NaN
  const latency = await storeLatency(o.probeUri, o.probeRounds)
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
    // Whatever the rate left queued is consumed before the next load starts.
    await markerOrder(deployment.url, { headers: keyHeader() })
  }
  const commands = total(perOrder)
  const serialCeiling = 1000 / (commands * latency.medianMs)
  return {
    loadAverage,
    latency,
    background,
    perGet,
    max,
    perOrder,
    commandsPerOrder: commands,
    serialCeiling,
    ceilingShare: max.ordersPerS / serialCeiling,
    rates,
  }
}
