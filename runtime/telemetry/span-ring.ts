/**
 * Recent finished spans kept in memory, for the local dashboard (OMS_DASHBOARD, which `oms dev`
 * sets): a span processor that copies each span as it ends into a ring of bounded size, the
 * oldest dropped first. Copies are plain data (no SDK objects), so a kept span costs what its
 * attributes weigh and the ring can be read while spans keep ending.
 */
import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions'

/** Spans kept when nothing says otherwise: a few hundred requests' worth of work. */
export const DEFAULT_KEPT_SPANS = 20_000

export type KeptValue = string | number | boolean

export interface KeptSpan {
  traceId: string
  spanId: string
  /** The parent's span id (it may belong to another process, or be dropped already). */
  parentSpanId?: string
  name: string
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer'
  /** service.name: the domain whose tracer made it. */
  service: string
  /** Epoch milliseconds (fractional). */
  startMs: number
  durationMs: number
  status: 'unset' | 'ok' | 'error'
  statusMessage?: string
  attributes: Record<string, KeptValue>
  events: { name: string; atMs: number; attributes: Record<string, KeptValue> }[]
  links: { traceId: string; spanId: string; attributes: Record<string, KeptValue> }[]
}

const KINDS: Record<SpanKind, KeptSpan['kind']> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
}

const ms = ([seconds, nanos]: HrTime) => seconds * 1000 + nanos / 1e6

/** Attributes as plain values (arrays joined: the dashboard shows and searches text). */
function plain(attributes: Attributes | undefined): Record<string, KeptValue> {
  const out: Record<string, KeptValue> = {}
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null) continue
    out[key] = Array.isArray(value) ? value.join(',') : (value as KeptValue)
  }
  return out
}

/** The plain copy of a finished span. */
export function keptSpan(span: ReadableSpan): KeptSpan {
  const { traceId, spanId } = span.spanContext()
  const status =
    span.status.code === SpanStatusCode.ERROR
      ? 'error'
      : span.status.code === SpanStatusCode.OK
        ? 'ok'
        : 'unset'
  return {
    traceId,
    spanId,
    ...(span.parentSpanContext && { parentSpanId: span.parentSpanContext.spanId }),
    name: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    service: String(span.resource.attributes[ATTR_SERVICE_NAME] ?? ''),
    startMs: ms(span.startTime),
    durationMs: ms(span.duration),
    status,
    ...(span.status.message && { statusMessage: span.status.message }),
    attributes: plain(span.attributes),
    events: span.events.map((e) => ({
      name: e.name,
      atMs: ms(e.time),
      attributes: plain(e.attributes),
    })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: plain(l.attributes),
    })),
  }
}

/** A span processor keeping the last `capacity` finished spans. */
export class SpanRing implements SpanProcessor {
  private readonly ring: (KeptSpan | undefined)[]
  private next = 0
  private count = 0

  constructor(readonly capacity = DEFAULT_KEPT_SPANS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`a span ring holds at least one span (asked for ${capacity})`)
    this.ring = new Array(capacity)
  }

  /** Keeps a span (what onEnd does with the SDK's span). */
  keep(span: KeptSpan): void {
    this.ring[this.next] = span
    this.next = (this.next + 1) % this.capacity
    if (this.count < this.capacity) this.count += 1
  }

  /** The kept spans, oldest first. */
  spans(): KeptSpan[] {
    const start = this.count < this.capacity ? 0 : this.next
    const out: KeptSpan[] = []
    for (let i = 0; i < this.count; i++)
      out.push(this.ring[(start + i) % this.capacity] as KeptSpan)
    return out
  }

  /** How many spans are kept now. */
  get size(): number {
    return this.count
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    this.keep(keptSpan(span))
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
