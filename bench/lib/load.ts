/**
 * HTTP load with autocannon: a run against one URL, summarised as requests per second (2xx
 * only), latency percentiles taken from every response's own time (sub-millisecond), and the
 * failures seen. Load always comes from this process; servers run in child processes.
 */
import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  method?: 'GET' | 'POST' | 'PUT'
  body?: string
  headers?: Record<string, string>
  connections?: number
  durationS: number
  /** Requests per second over all connections (autocannon's overallRate); unset = as fast as possible. */
  overallRate?: number
}

export interface LoadResult {
  /** 2xx responses per second. */
  rps: number
  ok: number
  non2xx: number
  errors: number
  durationS: number
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number }
  /** Epoch milliseconds when the run started and finished. */
  startedAt: number
  finishedAt: number
}

/** The q-quantile (0..1) of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i] as number
}

export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const { url, method = 'GET', body, connections = 50, durationS, overallRate } = options
  const headers = { ...(body && { 'content-type': 'application/json' }), ...options.headers }
  const times: number[] = []
  let ok = 0
  const startedAt = Date.now()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method,
        body,
        headers,
        connections,
        duration: durationS,
        ...(overallRate && { overallRate }),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok++
        times.push(responseTime)
      }
    })
  })
  const finishedAt = Date.now()
  times.sort((a, b) => a - b)
  const mean = times.reduce((sum, t) => sum + t, 0) / Math.max(1, times.length)
  return {
    rps: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
    latencyMs: {
      p50: quantile(times, 0.5),
      p90: quantile(times, 0.9),
      p99: quantile(times, 0.99),
      max: times.at(-1) ?? Number.NaN,
      mean,
    },
    startedAt,
    finishedAt,
  }
}
