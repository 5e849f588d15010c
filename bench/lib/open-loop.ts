/**
 * Open-loop load: requests sent at a fixed rate whatever the answers do (a slow server does not
 * slow the sender down, as it would a closed loop's connections). Each request's latency counts
 * from when it was due to be sent, so a late sender is charged too; a request with no answer
 * within `timeoutMs` counts as timed out.
 */
import { quantile } from './load.ts'

export interface OpenLoopOptions {
  url: string
  body: string
  ratePerS: number
  durationS: number
  /** Headers made afresh for each request. */
  headers?: () => Record<string, string>
  /** How long a request may go unanswered (default 5000 ms). */
  timeoutMs?: number
}

export interface OpenLoopResult {
  ratePerS: number
  sent: number
  ok: number
  /** Answers other than 2xx, and refused connections. */
  failed: number
  timedOut: number
  /** Of the 2xx answers, from when each request was due. */
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** What the first failures said. */
  failures: string[]
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { url, body, ratePerS, durationS, headers = () => ({}), timeoutMs = 5000 } = options
  const count = Math.round(ratePerS * durationS)
  const intervalMs = 1000 / ratePerS
  const times: number[] = []
  const failures: string[] = []
  let failed = 0
  let timedOut = 0
  const send = async (dueAt: number) => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers() },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      const text = await res.text()
      if (res.status >= 200 && res.status < 300) times.push(performance.now() - dueAt)
      else {
        failed++
        if (failures.length < 5) failures.push(`${res.status} ${text.slice(0, 200)}`)
      }
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') timedOut++
      else {
        failed++
        if (failures.length < 5) failures.push(String(err))
      }
    }
  }
  const start = performance.now()
  const inFlight: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    const dueAt = start + i * intervalMs
    await pause(dueAt - performance.now())
    inFlight.push(send(dueAt))
  }
  await Promise.all(inFlight)
  times.sort((a, b) => a - b)
  return {
    ratePerS,
    sent: count,
    ok: times.length,
    failed,
    timedOut,
    latencyMs: {
      p50: quantile(times, 0.5),
      p90: quantile(times, 0.9),
      p99: quantile(times, 0.99),
      max: times.at(-1) ?? Number.NaN,
    },
    failures,
  }
}
