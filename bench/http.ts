/**
 * 1. HTTP: a trivial route (`GET /ping`, a tiny HTTP function) and `GET /api/menu` (the
 * gateway's function, calling menu and stock over the runtime's in-process gRPC) served by
 * the runtime, next to the same routes on raw Hono + @hono/node-server reading the same
 * embedded store. Each server runs in its own child process; autocannon loads it from this
 * one. Rounds alternate runtime and raw; the median round counts.
 *
 * On two cores the load generator can saturate a core before a fast server does (raw Hono
 * here), so next to requests per second the server's CPU time per request is measured too:
 * its inverse is the server's capacity. The goal counts as met only when both ratios reach it.
 * The runtime runs twice: as configured by default (trace context kept and logged, spans not
 * exported) and with OTEL_SDK_DISABLED=true.
 */
import { type ChildServer, startChild } from './lib/child.ts'
import { load, median } from './lib/load.ts'
import { type Benchmark, n0, type Row, times } from './lib/report.ts'

const ROUTES = ['/ping', '/api/menu'] as const
const CONNECTIONS = 50
const GOAL = 0.9

interface Sample {
  rps: number
  cpuMicrosPerRequest: number
  p99Ms: number
  failures: number
}

async function sample(server: ChildServer<{ url: string }>, path: string, durationS: number) {
  const cpuBefore = await server.cpuMicros()
  const r = await load({ url: `${server.ready.url}${path}`, connections: CONNECTIONS, durationS })
  const cpu = (await server.cpuMicros()) - cpuBefore
  return {
    rps: r.rps,
    cpuMicrosPerRequest: cpu / Math.max(1, r.ok),
    p99Ms: r.latencyMs.p99,
    failures: r.non2xx + r.errors,
  } satisfies Sample
}

export const httpBench: Benchmark = {
  name: 'http',
  title: 'HTTP function: runtime vs raw Hono',
  async run({ quick }) {
    const durationS = quick ? 1 : 2
    const rounds = quick ? 1 : 3
    const [runtimeServer, untracedServer, rawServer] = await Promise.all([
      startChild<{ url: string }>('http', ['runtime'], { PORT: '0' }),
      startChild<{ url: string }>('http', ['runtime'], { PORT: '0', OTEL_SDK_DISABLED: 'true' }),
      startChild<{ url: string }>('http', ['raw'], { PORT: '0' }),
    ])
    const servers = { runtime: runtimeServer, untraced: untracedServer, raw: rawServer }
    const samples = new Map<string, Sample[]>()
    try {
      for (const path of ROUTES)
        for (const server of Object.values(servers)) await sample(server, path, 1) // warm-up
      for (let round = 0; round < rounds; round++) {
        for (const path of ROUTES) {
          for (const [name, server] of Object.entries(servers)) {
            const key = `${name} ${path}`
            samples.set(key, [...(samples.get(key) ?? []), await sample(server, path, durationS)])
          }
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((s) => s.stop()))
    }
    const summary = (key: string) => {
      const list = samples.get(key) ?? []
      return {
        rps: median(list.map((s) => s.rps)),
        cpuMicrosPerRequest: median(list.map((s) => s.cpuMicrosPerRequest)),
        p99Ms: median(list.map((s) => s.p99Ms)),
        failures: list.reduce((sum, s) => sum + s.failures, 0),
      }
    }
    const rows: Row[] = []
    const details: Record<string, unknown> = {
      connections: CONNECTIONS,
      durationS,
      rounds,
      samples: Object.fromEntries(samples),
    }
    for (const path of ROUTES) {
      const raw = summary(`raw ${path}`)
      for (const [name, label] of [
        ['runtime', `HTTP GET ${path} (requests/s)`],
        ['untraced', `the same, tracing off (OTEL_SDK_DISABLED)`],
      ] as const) {
        const rt = summary(`${name} ${path}`)
        if (rt.failures + raw.failures > 0)
          throw new Error(`GET ${path}: ${rt.failures + raw.failures} failed requests`)
        const capacityRatio = raw.cpuMicrosPerRequest / rt.cpuMicrosPerRequest
        const rpsRatio = rt.rps / raw.rps
        details[`${name} ${path}`] = { runtime: rt, raw, rpsRatio, capacityRatio }
        rows.push({
          id: 1,
          what: label,
          value: `${n0(rt.rps)} req/s`,
          baseline: `${n0(raw.rps)} req/s (raw Hono)`,
          ratio: times(rpsRatio),
          goal: `≥ ${GOAL}×`,
          met: Math.min(rpsRatio, capacityRatio) >= GOAL,
          note: `server CPU/request ${n0(rt.cpuMicrosPerRequest)} µs vs ${n0(raw.cpuMicrosPerRequest)} µs: capacity ${times(capacityRatio)}`,
        })
      }
    }
    return { rows, details }
  },
}
