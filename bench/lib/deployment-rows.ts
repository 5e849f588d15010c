/** The deployment benchmark's lines of the table, from its measurements, against the issue's goals. */
import { describeCounts } from './ferretdb-metrics.ts'
import type { FerretRound, RoundLoad } from './ferretdb-round.ts'
import { median } from './load.ts'
import type { OpenLoopResult } from './open-loop.ts'
import type { MaxRun } from './order-runs.ts'
import { n0, n1, n2, type Row, times } from './report.ts'

export const GOALS = {
  /** Orders per second the FerretDB deployment sustains. */
  ordersPerS: 100,
  /** Share of the serial ceiling it reaches. */
  ceilingShare: 0.8,
  /** p99 of the POST at 50 req/s, ms. */
  p99Ms: 200,
  p99AtRate: 50,
  /** How far a figure may move after the seeded orders and still count as flat. */
  flat: 0.15,
  /** Orders per second with each domain's embedded store. */
  embedded: 1000,
  /** Throughput lost exporting every trace. */
  tracingCost: 0.15,
}

const ID = 11
const FERRET = 'six processes, RabbitMQ + FerretDB 1.24 (PostgreSQL) + Consul'

const cpuTotal = (run: MaxRun) => Object.values(run.cpuMicrosPerOrder).reduce((a, b) => a + b, 0)
const cpuNote = (run: MaxRun) =>
  Object.entries(run.cpuMicrosPerOrder)
    .map(([name, micros]) => `${name} ${n0(micros)}`)
    .join(', ')
const failures = (run: MaxRun) => {
  const { failed, timedOut } = run.load
  const refused =
    failed + timedOut > 0 ? `; ${n0(failed)} failed, ${n0(timedOut)} timed out (30 s)` : ''
  const marker = run.markerError
    ? `; NOT end to end (placed/s): the marker failed: ${run.markerError.slice(0, 120)}`
    : ''
  return refused + marker
}
const latencyValue = (r: OpenLoopResult) =>
  r.ok === 0 ? 'none answered' : `p50 ${n1(r.latencyMs.p50)} ms, p99 ${n1(r.latencyMs.p99)} ms`
const rateNote = (r: OpenLoopResult) =>
  `open loop, ${n0(r.sent)} sent: ${n0(r.failed)} failed, ${n0(r.timedOut)} timed out (5 s)${r.ok > 0 ? `; max ${n0(r.latencyMs.max)} ms` : ''}`
const within = (ratio: number) => Math.abs(ratio - 1) <= GOALS.flat
const pct = (share: number) => `${n0(share * 100)} %`

type Loaded = FerretRound & RoundLoad

/** Whether the round's load ran (else only its probes did). */
const loaded = (r: FerretRound): r is Loaded => r.max !== undefined && r.rates !== undefined
/** Whether it placed orders to divide by. */
const placed = (r: FerretRound): r is Loaded => loaded(r) && r.max.orders > 0

/** The rows of the probes, which need nothing of the deployment. */
function probeRows(r: FerretRound, label: string): Row[] {
  return [
    {
      id: ID,
      what: `${label}: one store command alone (median; findOne by _id, guarded findOneAndUpdate)`,
      value: `${n2(r.latency.medianMs)} ms`,
      note: `findOne ${n2(r.latency.findOneMs)} ms, findOneAndUpdate ${n2(r.latency.findOneAndUpdateMs)} ms; one connection, a 10-document collection, ${r.latency.rounds} of each`,
    },
    {
      id: ID,
      what: `${label}: findOne by _id on the deployment's orders collection (median)`,
      value: `${n2(r.orderLookupMs)} ms`,
    },
  ]
}

/** The rows of one FerretDB round (`label` says which: fresh, or after the seeded orders). */
function roundRows(r: FerretRound, label: string): Row[] {
  if (!loaded(r))
    return [failedRow(`${label}: max orders/s end to end`, r.error), ...probeRows(r, label)]
  return [
    {
      id: ID,
      what: `${label}: max orders/s end to end (${n0(r.max.load.durationS)} s closed loop)`,
      value: `${n0(r.max.ordersPerS)} orders/s`,
      goal: `≥ ${GOALS.ordersPerS}/s`,
      met: r.max.ordersPerS >= GOALS.ordersPerS,
      note: `${r.max.load.ok > 0 ? `POST p50 ${n1(r.max.load.latencyMs.p50)} ms, p99 ${n1(r.max.load.latencyMs.p99)} ms` : 'no POST answered 2xx'}${failures(r.max)}; load ${n2(r.loadAverage)}`,
    },
    ...(placed(r) ? [commandRow(r, label)] : []),
    ...probeRows(r, label),
    ...(placed(r) ? [ceilingRow(r, label)] : []),
    ...r.rates.map(
      (rate): Row => ({
        id: ID,
        what: `${label}: POST latency at ${rate.ratePerS} req/s`,
        value: latencyValue(rate),
        ...(rate.ratePerS === GOALS.p99AtRate && {
          goal: `p99 < ${GOALS.p99Ms} ms, none failed`,
          met: rate.latencyMs.p99 < GOALS.p99Ms && rate.failed + rate.timedOut === 0,
        }),
        note:
          rateNote(rate) +
          (r.drainErrors.length > 0
            ? `; backlog not drained: ${r.drainErrors.length} marker(s) failed`
            : ''),
      }),
    ),
    ...(placed(r)
      ? [
          {
            id: ID,
            what: `${label}: CPU per order, µs`,
            value: `${n0(cpuTotal(r.max))} µs`,
            note: cpuNote(r.max),
          },
        ]
      : []),
  ]
}

const commandRow = (r: Loaded, label: string): Row => ({
  id: ID,
  what: `${label}: store commands per order (FerretDB's counters)`,
  value: n1(r.commandsPerOrder),
  note: describeCounts(r.perOrder),
})

const ceilingRow = (r: Loaded, label: string): Row => ({
  id: ID,
  what: `${label}: orders/s of the serial ceiling 1 / (commands per order × command latency)`,
  value: pct(r.ceilingShare),
  baseline: `ceiling ${n0(r.serialCeiling)} orders/s`,
  goal: `≥ ${pct(GOALS.ceilingShare)}`,
  met: r.ceilingShare >= GOALS.ceilingShare,
})

/** How the round after the seeded orders compares with the fresh one. */
function flatRows(fresh: FerretRound, grown: FerretRound, seeded: string): Row[] {
  const figures: [string, number, number, (v: number) => string][] = [
    ['findOne by _id on the orders (ms)', grown.orderLookupMs, fresh.orderLookupMs, n2],
  ]
  if (loaded(fresh) && loaded(grown))
    figures.push(['max orders/s', grown.max.ordersPerS, fresh.max.ordersPerS, n0])
  if (placed(fresh) && placed(grown))
    figures.push(
      ['CPU per order (µs)', cpuTotal(grown.max), cpuTotal(fresh.max), n0],
      ['store commands per order', grown.commandsPerOrder, fresh.commandsPerOrder, n1],
    )
  const rows = figures.map(
    ([what, after, before, format]): Row => ({
      id: ID,
      what: `After ${seeded} orders vs fresh: ${what}`,
      value: format(after),
      baseline: `${format(before)} fresh`,
      ratio: times(after / before),
      goal: `within ±${n0(GOALS.flat * 100)} %`,
      met: within(after / before),
    }),
  )
  if (!loaded(grown))
    rows.push(failedRow(`After ${seeded} orders vs fresh: max orders/s`, grown.error))
  return rows
}

export interface DeploymentFigures {
  /** Each part's figures; a part that failed is missing and its error is in `errors`. */
  fresh?: FerretRound
  grown?: FerretRound
  seeded: number
  embedded?: MaxRun
  tracingOff: MaxRun[]
  tracingOn: MaxRun[]
  connections: number
  /** What stopped a part, by part. */
  errors: Record<string, string>
}

/** The line of a part that failed: its goal missed, with what stopped it. */
const failedRow = (what: string, error = 'not run'): Row => ({
  id: ID,
  what,
  value: 'failed',
  met: false,
  note: error.split('\n')[0]?.slice(0, 200),
})

function tracingRow(f: DeploymentFigures): Row {
  const what = `The FerretDB deployment exporting every trace (OTLP http/protobuf, all sampled): max orders/s`
  if (f.tracingOn.length === 0 || f.tracingOff.length === 0)
    return failedRow(what, f.errors.tracing)
  const off = median(f.tracingOff.map((r) => r.ordersPerS))
  const on = median(f.tracingOn.map((r) => r.ordersPerS))
  const cost = 1 - on / off
  return {
    id: ID,
    what,
    value: `${n0(on)} orders/s`,
    baseline: `${n0(off)} orders/s not exporting`,
    ratio: `cost ${n1(cost * 100)} %`,
    goal: `cost < ${n0(GOALS.tracingCost * 100)} %`,
    met: cost < GOALS.tracingCost,
    note: `median of ${f.tracingOn.length} alternating runs each; CPU/order ${n0(median(f.tracingOn.map(cpuTotal)))} vs ${n0(median(f.tracingOff.map(cpuTotal)))} µs`,
  }
}

function embeddedRow(f: DeploymentFigures): Row {
  const what = `Six processes, RabbitMQ + Consul, each domain's embedded store: max orders/s`
  const run = f.embedded
  if (!run) return failedRow(what, f.errors.embedded)
  return {
    id: ID,
    what,
    value: `${n0(run.ordersPerS)} orders/s`,
    goal: `≥ ${n0(GOALS.embedded)}/s`,
    met: run.ordersPerS >= GOALS.embedded,
    note: `${f.connections} connections; POST p99 ${n1(run.load.latencyMs.p99)} ms${failures(run)}; CPU/order ${n0(cpuTotal(run))} µs (${cpuNote(run)})`,
  }
}

export function deploymentRows(f: DeploymentFigures): Row[] {
  const seeded = n0(f.seeded)
  const fresh = `Deployment (${FERRET}, ${f.connections} connections), fresh`
  const grown = `The same after ${seeded} orders`
  return [
    ...(f.fresh ? roundRows(f.fresh, fresh) : [failedRow(fresh, f.errors.fresh)]),
    ...(f.grown ? roundRows(f.grown, grown) : [failedRow(grown, f.errors.grown)]),
    ...(f.fresh && f.grown ? flatRows(f.fresh, f.grown, seeded) : []),
    embeddedRow(f),
    tracingRow(f),
  ]
}
