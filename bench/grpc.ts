/**
 * 2. gRPC: `StockService.CheckStock` served by the runtime (the stock.check-stock function)
 * next to a raw @grpc/grpc-js server running the same handler logic on the same embedded
 * store. Each server runs in its own child process; this process is the client, keeping many
 * unary calls in flight over a few channels. Rounds alternate runtime and raw; the median
 * round counts. As for HTTP, the server's CPU time per call is measured next to calls per
 * second, because one client process on two cores cannot saturate the server; the goal counts
 * as met only when both ratios reach it. The runtime runs twice: as configured by default
 * (trace context kept and logged, spans not exported) and with OTEL_SDK_DISABLED=true.
 */
import { type ChildServer, startChild } from './lib/child.ts'
import { grpcLoad } from './lib/grpc-load.ts'
import { median } from './lib/load.ts'
import { type Benchmark, n0, times } from './lib/report.ts'

const CONCURRENCY = 64
const CHANNELS = 4
const GOAL = 0.9

async function sample(server: ChildServer<{ port: number }>, durationS: number) {
  const cpuBefore = await server.cpuMicros()
  const r = await grpcLoad({
    address: `127.0.0.1:${server.ready.port}`,
    durationS,
    concurrency: CONCURRENCY,
    channels: CHANNELS,
  })
  const cpu = (await server.cpuMicros()) - cpuBefore
  if (r.errors > 0) throw new Error(`CheckStock: ${r.errors} failed calls`)
  return { cps: r.cps, cpuMicrosPerCall: cpu / Math.max(1, r.ok), p99Ms: r.latencyMs.p99 }
}

export const grpcBench: Benchmark = {
  name: 'grpc',
  title: 'gRPC function: runtime vs raw grpc-js',
  async run({ quick }) {
    const durationS = quick ? 1 : 3
    const rounds = quick ? 1 : 3
    const [runtimeServer, untracedServer, rawServer] = await Promise.all([
      startChild<{ port: number }>('grpc', ['runtime'], { GRPC_PORT: '0' }),
      startChild<{ port: number }>('grpc', ['runtime'], {
        GRPC_PORT: '0',
        OTEL_SDK_DISABLED: 'true',
      }),
      startChild<{ port: number }>('grpc', ['raw'], { GRPC_PORT: '0' }),
    ])
    const servers = { runtime: runtimeServer, untraced: untracedServer, raw: rawServer }
    const samples: Record<string, Awaited<ReturnType<typeof sample>>[]> = {
      runtime: [],
      untraced: [],
      raw: [],
    }
    try {
      for (const server of Object.values(servers)) await sample(server, 1) // warm-up
      for (let round = 0; round < rounds; round++)
        for (const [name, server] of Object.entries(servers))
          samples[name]?.push(await sample(server, durationS))
    } finally {
      await Promise.all(Object.values(servers).map((s) => s.stop()))
    }
    const summary = (name: string) => ({
      cps: median((samples[name] ?? []).map((s) => s.cps)),
      cpuMicrosPerCall: median((samples[name] ?? []).map((s) => s.cpuMicrosPerCall)),
      p99Ms: median((samples[name] ?? []).map((s) => s.p99Ms)),
    })
    const raw = summary('raw')
    const ratios = (name: string) => {
      const rt = summary(name)
      return {
        ...rt,
        cpsRatio: rt.cps / raw.cps,
        capacityRatio: raw.cpuMicrosPerCall / rt.cpuMicrosPerCall,
      }
    }
    const rt = ratios('runtime')
    const untraced = ratios('untraced')
    const row = (what: string, r: typeof rt) => ({
      id: 2,
      what,
      value: `${n0(r.cps)} calls/s`,
      baseline: `${n0(raw.cps)} calls/s (raw grpc-js)`,
      ratio: times(r.cpsRatio),
      goal: `≥ ${GOAL}×`,
      met: Math.min(r.cpsRatio, r.capacityRatio) >= GOAL,
      note: `${CONCURRENCY} calls in flight; server CPU/call ${n0(r.cpuMicrosPerCall)} µs vs ${n0(raw.cpuMicrosPerCall)} µs: capacity ${times(r.capacityRatio)}`,
    })
    return {
      rows: [
        row('gRPC StockService.CheckStock (calls/s)', rt),
        row('the same, tracing off (OTEL_SDK_DISABLED)', untraced),
      ],
      details: {
        concurrency: CONCURRENCY,
        channels: CHANNELS,
        durationS,
        rounds,
        runtime: rt,
        untraced,
        raw,
        samples,
      },
    }
  },
}
