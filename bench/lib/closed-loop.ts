/**
 * Closed-loop load that ends cleanly: `connections` POSTs kept in flight (each connection sends
 * its next request when its answer arrives) until `durationS` has passed, then every request
 * in flight is waited for — so when it resolves, the server has nothing of the load left to
 * work on and every order placed was answered and counted (autocannon drops the requests in
 * flight at the end, which the server still works on, unseen). Over node:http with keep-alive.
 */
import { Agent, request } from 'node:http'
import { quantile } from './load.ts'

export interface ClosedLoopOptions {
  url: string
  body: string
  connections: number
  durationS: number
  /** Headers made afresh for each request. */
  headers?: () => Record<string, string>
  /** How long a request may go unanswered before it counts as timed out (default 30 s). */
  timeoutMs?: number
}

export interface ClosedLoopResult {
  ok: number
  /** Answers other than 2xx, and refused connections. */
  failed: number
  timedOut: number
  /** From the first request to the last answer, s. */
  durationS: number
  /** Epoch ms of the first request and of the last answer. */
  startedAt: number
  finishedAt: number
  /** Of the 2xx answers. */
  latencyMs: { p50: number; p90: number; p99: number; max: number }
  /** What the first failures said. */
  failures: string[]
}

type Outcome = { status: number; text: string } | { error: string; timedOut: boolean }

function post(
  url: URL,
  agent: Agent,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
) {
  return new Promise<Outcome>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', (err) => resolve({ error: String(err), timedOut: false }))
      },
    )
    req.on('timeout', () => {
      req.destroy()
      resolve({ error: `no answer within ${timeoutMs} ms`, timedOut: true })
    })
    req.on('error', (err) => resolve({ error: String(err), timedOut: false }))
    req.end(body)
  })
}

export async function closedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { body, connections, durationS, headers = () => ({}), timeoutMs = 30_000 } = options
  const url = new URL(options.url)
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const times: number[] = []
  const failures: string[] = []
  let failed = 0
  let timedOut = 0
  const startedAt = Date.now()
  const t0 = performance.now()
  const end = t0 + durationS * 1000
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const sent = performance.now()
        const outcome = await post(url, agent, body, headers(), timeoutMs)
        if ('status' in outcome && outcome.status >= 200 && outcome.status < 300)
          times.push(performance.now() - sent)
        else {
          if ('timedOut' in outcome && outcome.timedOut) timedOut++
          else failed++
          const said = 'status' in outcome ? `${outcome.status} ${outcome.text}` : outcome.error
          if (failures.length < 5) failures.push(said.slice(0, 200))
        }
      }
    }),
  )
  const finishedAt = Date.now()
  agent.destroy()
  times.sort((a, b) => a - b)
  return {
    ok: times.length,
    failed,
    timedOut,
    durationS: (performance.now() - t0) / 1000,
    startedAt,
    finishedAt,
    latencyMs: {
      p50: quantile(times, 0.5),
      p90: quantile(times, 0.9),
      p99: quantile(times, 0.99),
      max: times.at(-1) ?? Number.NaN,
    },
    failures,
  }
}
