/**
 * The recent HTTP requests this process served, from its kept spans: each HTTP function's
 * SERVER span is one request (its route, status and duration), newest first.
 */
import type { KeptSpan } from '../telemetry/span-ring.ts'

export interface RecentRequest {
  /** Epoch ms the request came in. */
  atMs: number
  method: string
  /** The matched route (`/things/:id`), else the path. */
  route: string
  path: string
  status?: number
  durationMs: number
  fn: string
  traceId: string
  /** The error code of a refused request, or the error of a failed one. */
  error?: string
}

/** The last `limit` requests served, newest first. */
export function recentRequests(spans: readonly KeptSpan[], limit = 100): RecentRequest[] {
  const out: RecentRequest[] = []
  for (let i = spans.length - 1; i >= 0 && out.length < limit; i--) {
    const span = spans[i] as KeptSpan
    const method = span.attributes['http.request.method']
    if (span.kind !== 'server' || typeof method !== 'string') continue
    const path = String(span.attributes['url.path'] ?? '')
    const status = span.attributes['http.response.status_code']
    const code = span.attributes['oms.error.code']
    const error = code !== undefined ? String(code) : span.statusMessage
    out.push({
      atMs: span.startMs,
      method,
      route: String(span.attributes['http.route'] ?? path),
      path,
      ...(typeof status === 'number' && { status }),
      durationMs: span.durationMs,
      fn: String(span.attributes['faas.name'] ?? span.service),
      traceId: span.traceId,
      ...(error && { error }),
    })
  }
  // Spans are kept as they end; requests are listed by when they came in.
  return out.sort((a, b) => b.atMs - a.atMs)
}
