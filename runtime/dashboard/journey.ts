/**
 * A journey: everything the kept spans say happened to one thing, found by a value it is known
 * by (an id a client holds, a trace id). The runtime knows no entity, so the search is generic:
 * a span matches when one of its attributes is the value, or holds it as one segment of a path
 * (`url.path`), which covers HTTP routes' ids, gRPC requests' id fields and the fields events
 * are about (`oms.key.<name>`, from their topic's logKeys). Every trace with a matching span is
 * taken whole, and so are the traces linked to or from those (a trace started by an outside
 * caller, such as a payment provider's webhook, links back to the trace it continues). Traces
 * that only read (an HTTP GET, linked to nothing) are counted, not laid out: a page polling its
 * status would otherwise bury the steps.
 */
import type { KeptSpan, KeptValue } from '../telemetry/span-ring.ts'

/** How a step ended: `retry` is a failed try of a message or job that was tried again. */
export type Outcome = 'ok' | 'error' | 'retry'

export interface JourneyStep {
  traceId: string
  spanId: string
  parentSpanId?: string
  /** Nesting inside its trace (0: the trace's first span here). */
  depth: number
  name: string
  /** What ran: the function (faas.name), else the service. */
  fn: string
  service: string
  /** http, grpc, publish, consume, work, schedule, client or internal. */
  what: string
  kind: KeptSpan['kind']
  /** From the journey's first span. */
  offsetMs: number
  durationMs: number
  outcome: Outcome
  /** The error, or the answer's error code. */
  message?: string
  /** Delivery or job attempt, where there is one. */
  attempt?: number
  /** The span itself matched the search. */
  matched: boolean
}

export interface JourneyTrace {
  traceId: string
  /** Its first span's name and function. */
  root: string
  fn: string
  offsetMs: number
  durationMs: number
  spans: number
  /** A span of it matched the search (else it came in through a link). */
  matched: boolean
  /** Included traces its spans link to, and those whose spans link to it. */
  linksTo: string[]
  linkedFrom: string[]
}

export interface JourneyReads {
  /** The reading request, e.g. `GET /things/:id`. */
  name: string
  fn: string
  count: number
  lastAtMs: number
}

export interface Journey {
  query: string
  /** Epoch ms of the first step (0 when nothing was found). */
  startMs: number
  durationMs: number
  traces: JourneyTrace[]
  steps: JourneyStep[]
  reads: JourneyReads[]
  /** More traces matched or were linked than a journey shows (the first ones are kept). */
  truncated: boolean
}

export interface JourneyOptions {
  /** Traces laid out at most (default 30). */
  maxTraces?: number
}

const SEPARATORS = /[/?&=#,;\s]+/

function holds(value: KeptValue, query: string): boolean {
  const text = String(value)
  if (text === query) return true
  return typeof value === 'string' && text.includes(query) && text.split(SEPARATORS).includes(query)
}

/** Whether the span is about `query`: its ids, an attribute or a path segment of one. */
export function spanMatches(span: KeptSpan, query: string): boolean {
  if (span.traceId === query || span.spanId === query) return true
  for (const value of Object.values(span.attributes)) if (holds(value, query)) return true
  return false
}

const attr = (span: KeptSpan, key: string) => span.attributes[key]

function whatOf(span: KeptSpan): string {
  if (attr(span, 'http.request.method') !== undefined)
    return span.kind === 'client' ? 'client' : 'http'
  if (attr(span, 'rpc.system') !== undefined) return 'grpc'
  if (span.kind === 'producer') return 'publish'
  if (span.kind === 'consumer') return 'consume'
  if (attr(span, 'oms.job.id') !== undefined) return 'work'
  if (span.name.startsWith('schedule ')) return 'schedule'
  return span.kind === 'client' ? 'client' : 'internal'
}

/** What identifies a message or job across its tries (undefined for other spans). */
function tryKey(span: KeptSpan): string | undefined {
  const message = attr(span, 'messaging.message.id')
  if (span.kind === 'consumer' && message !== undefined)
    return `m:${attr(span, 'messaging.consumer.group.name') ?? ''}:${message}`
  const job = attr(span, 'oms.job.id')
  if (job !== undefined) return `j:${attr(span, 'faas.name') ?? ''}:${job}`
  return undefined
}

function messageOf(span: KeptSpan): string | undefined {
  if (span.statusMessage) return span.statusMessage
  const exception = span.events.find((e) => e.name === 'exception')
  const thrown = exception?.attributes['exception.message']
  if (thrown !== undefined) return String(thrown)
  const code = attr(span, 'oms.error.code')
  const status = attr(span, 'http.response.status_code')
  if (code !== undefined) return status !== undefined ? `${status} ${code}` : String(code)
  if (typeof status === 'number' && status >= 400) return String(status)
  return undefined
}

/** The span that starts a trace here: no parent, or a parent that is not kept. */
function rootOf(spans: readonly KeptSpan[]): KeptSpan {
  const ids = new Set(spans.map((s) => s.spanId))
  return (
    spans.find((s) => !s.parentSpanId) ??
    spans.find((s) => !ids.has(s.parentSpanId as string)) ??
    (spans[0] as KeptSpan)
  )
}

const isRead = (root: KeptSpan) =>
  root.kind === 'server' &&
  (attr(root, 'http.request.method') === 'GET' || attr(root, 'http.request.method') === 'HEAD')

/** Spans of one trace in tree order (children by start), each with its depth. */
function treeOrder(spans: readonly KeptSpan[]): { span: KeptSpan; depth: number }[] {
  const byStart = [...spans].sort((a, b) => a.startMs - b.startMs)
  const ids = new Set(byStart.map((s) => s.spanId))
  const children = new Map<string, KeptSpan[]>()
  const tops: KeptSpan[] = []
  for (const span of byStart) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? []
      list.push(span)
      children.set(span.parentSpanId, list)
    } else tops.push(span)
  }
  const out: { span: KeptSpan; depth: number }[] = []
  const visit = (span: KeptSpan, depth: number) => {
    out.push({ span, depth })
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1)
  }
  for (const top of tops) visit(top, 0)
  return out
}

/** The journey of whatever `query` names, from the kept spans (in any order). */
export function journeyOf(
  kept: readonly KeptSpan[],
  query: string,
  { maxTraces = 30 }: JourneyOptions = {},
): Journey {
  const q = query.trim()
  const byTrace = new Map<string, KeptSpan[]>()
  for (const span of kept) {
    const list = byTrace.get(span.traceId)
    if (list) list.push(span)
    else byTrace.set(span.traceId, [span])
  }
  const matchedSpans = new Set<KeptSpan>()
  const matched = new Set<string>()
  if (q !== '')
    for (const span of kept)
      if (spanMatches(span, q)) {
        matchedSpans.add(span)
        matched.add(span.traceId)
      }

  // Links between kept traces, both ways.
  const linksTo = new Map<string, Set<string>>()
  const linkedFrom = new Map<string, Set<string>>()
  const add = (map: Map<string, Set<string>>, key: string, value: string) => {
    const set = map.get(key) ?? new Set<string>()
    set.add(value)
    map.set(key, set)
  }
  for (const span of kept)
    for (const link of span.links)
      if (link.traceId !== span.traceId && byTrace.has(link.traceId)) {
        add(linksTo, span.traceId, link.traceId)
        add(linkedFrom, link.traceId, span.traceId)
      }

  // The matching traces, then those linked to or from them, breadth first.
  const included = [...matched].sort(
    (a, b) => rootOf(byTrace.get(a) ?? []).startMs - rootOf(byTrace.get(b) ?? []).startMs,
  )
  const seen = new Set(included)
  for (let i = 0; i < included.length; i++) {
    const id = included[i] as string
    for (const next of [...(linksTo.get(id) ?? []), ...(linkedFrom.get(id) ?? [])])
      if (!seen.has(next)) {
        seen.add(next)
        included.push(next)
      }
  }

  // Reads linked to nothing are counted, not laid out (unless asked for by their trace id).
  const reads = new Map<string, JourneyReads>()
  const laidOut: string[] = []
  for (const id of included) {
    const spans = byTrace.get(id) ?? []
    const root = rootOf(spans)
    const linked = (linksTo.get(id)?.size ?? 0) + (linkedFrom.get(id)?.size ?? 0) > 0
    if (isRead(root) && !linked && id !== q) {
      const name = root.name
      const fn = String(attr(root, 'faas.name') ?? root.service)
      const entry = reads.get(name) ?? { name, fn, count: 0, lastAtMs: 0 }
      entry.count += 1
      entry.lastAtMs = Math.max(entry.lastAtMs, root.startMs)
      reads.set(name, entry)
    } else laidOut.push(id)
  }
  const truncated = laidOut.length > maxTraces
  const shown = laidOut.slice(0, maxTraces)
  const shownSet = new Set(shown)

  const spansShown = shown.flatMap((id) => byTrace.get(id) ?? [])
  const startMs = spansShown.length ? Math.min(...spansShown.map((s) => s.startMs)) : 0
  const endMs = spansShown.length ? Math.max(...spansShown.map((s) => s.startMs + s.durationMs)) : 0
  // A failed try was retried when the next try of the same message or job came without
  // starting over (a replay of a parked message starts again at try 1: the failure stands).
  const tries = new Map<string, KeptSpan[]>()
  for (const span of spansShown) {
    const key = tryKey(span)
    if (key) tries.set(key, [...(tries.get(key) ?? []), span])
  }
  const attemptOf = (span: KeptSpan) =>
    Number(attr(span, 'messaging.delivery.attempt') ?? attr(span, 'oms.job.attempt') ?? 0)
  const outcomeOf = (span: KeptSpan): Outcome => {
    if (span.status !== 'error') return 'ok'
    const key = tryKey(span)
    const next = (key ? (tries.get(key) ?? []) : [])
      .filter((t) => t.startMs > span.startMs)
      .sort((a, b) => a.startMs - b.startMs)[0]
    return next && attemptOf(next) >= attemptOf(span) ? 'retry' : 'error'
  }

  const traces: JourneyTrace[] = []
  const steps: JourneyStep[] = []
  const ordered = [...shown].sort(
    (a, b) => rootOf(byTrace.get(a) ?? []).startMs - rootOf(byTrace.get(b) ?? []).startMs,
  )
  for (const id of ordered) {
    const spans = byTrace.get(id) ?? []
    const root = rootOf(spans)
    const first = Math.min(...spans.map((s) => s.startMs))
    const last = Math.max(...spans.map((s) => s.startMs + s.durationMs))
    traces.push({
      traceId: id,
      root: root.name,
      fn: String(attr(root, 'faas.name') ?? root.service),
      offsetMs: first - startMs,
      durationMs: last - first,
      spans: spans.length,
      matched: matched.has(id),
      linksTo: [...(linksTo.get(id) ?? [])].filter((t) => shownSet.has(t)),
      linkedFrom: [...(linkedFrom.get(id) ?? [])].filter((t) => shownSet.has(t)),
    })
    for (const { span, depth } of treeOrder(spans)) {
      const attempt = attr(span, 'messaging.delivery.attempt') ?? attr(span, 'oms.job.attempt')
      const message = messageOf(span)
      steps.push({
        traceId: id,
        spanId: span.spanId,
        ...(span.parentSpanId && { parentSpanId: span.parentSpanId }),
        depth,
        name: span.name,
        fn: String(attr(span, 'faas.name') ?? span.service),
        service: span.service,
        what: whatOf(span),
        kind: span.kind,
        offsetMs: span.startMs - startMs,
        durationMs: span.durationMs,
        outcome: outcomeOf(span),
        ...(message !== undefined && { message }),
        ...(typeof attempt === 'number' && { attempt }),
        matched: matchedSpans.has(span),
      })
    }
  }
  return {
    query: q,
    startMs,
    durationMs: endMs - startMs,
    traces,
    steps,
    reads: [...reads.values()].sort((a, b) => b.lastAtMs - a.lastAtMs),
    truncated,
  }
}
