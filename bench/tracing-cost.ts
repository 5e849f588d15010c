/**
 * 8. Tracing cost (issue 6's figure): create-order throughput with every function in one
 * process on the embedded adapters, not exporting (no OTEL_EXPORTER_OTLP_ENDPOINT: trace context kept, nothing recorded) next to
 * tracing on and exporting — OTLP/HTTP with JSON to the tests' receiver (which decodes and
 * counts the spans), with protobuf (the default protocol) to a sink that drains them, and
 * with JSON but only one trace in ten sampled (the standard OTEL_TRACES_SAMPLER variables),
 * which the spans received per order verify. The sink runs in its own process; rounds
 * alternate the systems; the median counts.
 */
import { type ChildServer, startChild } from './lib/child.ts'
import { median } from './lib/load.ts'
import { type Benchmark, n0, n1, type Row } from './lib/report.ts'
import { type BenchSystem, type OrderRun, startSystem } from './lib/system.ts'

const CONNECTIONS = 50
const GOAL_COST = 0.15
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** The share of traces the sampled system records and exports. */
const SAMPLED = 0.1

interface SinkCounts {
  jsonSpans: number
  jsonTraces: number
  protoRequests: number
  protoBytes: number
}

export const tracingCostBench: Benchmark = {
  name: 'tracing',
  title: 'Tracing cost on the create-order path',
  async run({ quick }) {
    const durationS = quick ? 2 : 4
    const rounds = quick ? 1 : 2
    // Longer than the batch processor's 500 ms export delay.
    const settleMs = quick ? 700 : 1000
    const sink: ChildServer<{ json: string; protobuf: string }> = await startChild('otlp-sink')
    const systems: Record<string, BenchSystem> = {}
    const runs: Record<string, OrderRun[]> = { off: [], json: [], protobuf: [], sampled: [] }
    const spansPerOrder: Record<string, number[]> = { json: [], sampled: [] }
    try {
      // Started side by side (nothing is measured yet), then loaded one at a time.
      const [off, json, protobuf, sampled] = await Promise.all([
        startSystem(),
        startSystem({
          vars: {
            OTEL_EXPORTER_OTLP_ENDPOINT: sink.ready.json,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          },
        }),
        startSystem({
          vars: {
            OTEL_EXPORTER_OTLP_ENDPOINT: sink.ready.protobuf,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          },
        }),
        startSystem({
          vars: {
            OTEL_EXPORTER_OTLP_ENDPOINT: sink.ready.json,
            OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
            OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
            OTEL_TRACES_SAMPLER_ARG: String(SAMPLED),
          },
        }),
      ])
      Object.assign(systems, { off, json, protobuf, sampled })
      for (const system of Object.values(systems))
        await system.orders({ connections: CONNECTIONS, durationS: 1 }) // warm-up
      for (let round = 0; round < rounds; round++) {
        for (const [name, system] of Object.entries(systems)) {
          const counted = name in spansPerOrder
          // The batch processor exports every 500 ms: let the previous system's last batch
          // land before counting, and this one's after.
          if (counted) {
            await pause(settleMs)
            await sink.ask<SinkCounts>('counts')
          }
          const run = await system.orders({ connections: CONNECTIONS, durationS })
          runs[name]?.push(run)
          if (counted) {
            await pause(settleMs)
            const counts = await sink.ask<SinkCounts>('counts')
            spansPerOrder[name]?.push(counts.jsonSpans / run.load.ok)
          }
        }
      }
    } finally {
      await Promise.all(Object.values(systems).map((s) => s.stop()))
      await sink.stop()
    }
    const rate = (name: string) => median((runs[name] ?? []).map((r) => r.load.rps))
    const cpu = (name: string) => median((runs[name] ?? []).map((r) => r.cpuMicrosPerOrder))
    const off = rate('off')
    const label = {
      json: 'OTLP http/json',
      protobuf: 'OTLP http/protobuf',
      sampled: `OTLP http/json, ${SAMPLED * 100}% of traces sampled`,
    }
    const rows: Row[] = (['json', 'protobuf', 'sampled'] as const).map((name) => {
      const cost = 1 - rate(name) / off
      return {
        id: 8,
        what: `Tracing on, ${label[name]} (orders/s)`,
        value: `${n0(rate(name))} orders/s`,
        baseline: `${n0(off)} orders/s (not exporting)`,
        ratio: `cost ${n1(cost * 100)}%`,
        goal: `cost < ${GOAL_COST * 100}%`,
        met: cost < GOAL_COST,
        note: `embedded, ${CONNECTIONS} connections; CPU/order ${n0(cpu(name))} µs vs ${n0(cpu('off'))} µs${name in spansPerOrder ? `; ${n1(median(spansPerOrder[name] ?? []))} spans/order received` : ''}`,
      }
    })
    return {
      rows,
      details: { connections: CONNECTIONS, durationS, rounds, runs, spansPerOrder },
    }
  },
}
