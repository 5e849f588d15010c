/**
 * Span helpers shared by the bindings: run work in a span (errors recorded with status),
 * and carry W3C trace context in and out of string headers (HTTP, gRPC metadata, messages).
 */
import {
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  propagation,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { isDomainError } from '../../shared/errors.ts'
import { unrecordedSpan } from './unrecorded-span.ts'

export { SpanKind }

export interface SpanSpec {
  kind?: SpanKind
  attributes?: Attributes
  links?: Link[]
  /** Parent context (default: the active one). */
  parent?: Context
}

/** Marks the span failed — except for domain answers a caller caused (4xx-like), which are not faults. */
export function recordError(span: Span, err: unknown): void {
  if (isDomainError(err)) {
    span.setAttribute('oms.error.code', err.code)
    if (err.httpStatus < 500) return
  }
  span.recordException(err instanceof Error ? err : new Error(String(err)))
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: err instanceof Error ? err.message : String(err),
  })
}

let unsampledStaysUnrecorded = false
let disabled = false
let neverRecorded = false

/** Tracing is off (OTEL_SDK_DISABLED): inSpan runs work without any span or context. */
export function setTracingDisabled(value: boolean): void {
  disabled = value
}

/** Whether tracing is off for this process. */
export function tracingDisabled(): boolean {
  return disabled
}

const NO_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT)

/**
 * Tells inSpan whether a span whose parent is not sampled is never recorded (the parent-based
 * samplers, the default, and not exporting at all): set when telemetry starts.
 */
export function setUnsampledStaysUnrecorded(value: boolean): void {
  unsampledStaysUnrecorded = value
}

/**
 * Tells the helpers that no span is ever recorded in this process (not exporting, no span
 * ring): spans are then made without the tracer (unrecorded-span.ts). Set when telemetry starts.
 */
export function setNeverRecorded(value: boolean): void {
  neverRecorded = value
}

/** A new span, child of `parent`: the tracer's, or only its ids where nothing is recorded. */
export function startSpan(
  tracer: Tracer,
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; links?: Link[] },
  parent: Context,
): Span {
  return neverRecorded ? unrecordedSpan(parent) : tracer.startSpan(name, options, parent)
}

/**
 * The span of `parent` when it belongs to a trace that is not sampled, so that a child span
 * would record nothing (undefined otherwise, or when there is no valid parent).
 */
export function unrecordedParent(parent: Context): Span | undefined {
  if (!unsampledStaysUnrecorded) return undefined
  const span = trace.getSpan(parent)
  if (!span || span.isRecording()) return undefined
  const spanContext = span.spanContext()
  if (spanContext === lastUnsampled) return span
  if ((spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 || !trace.isSpanContextValid(spanContext))
    return undefined
  lastUnsampled = spanContext
  return span
}

/**
 * The span context last found valid and not sampled: the hops of one request ask of the same
 * one again and again, and its ids' check is two regular expressions (a span's context does not
 * change once made).
 */
let lastUnsampled: SpanContext | undefined

/**
 * Runs `work` inside a new active span that ends when it settles. Inside a trace that is not
 * sampled (not exporting, or sampled out), where the span would record nothing, no span is made:
 * `work` runs in the parent's context (the same trace id in logs and in what it propagates).
 */
export function inSpan<T>(
  tracer: Tracer,
  name: string,
  spec: SpanSpec,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (disabled) return work(NO_SPAN)
  const { parent = context.active(), ...options } = spec
  const unrecorded = unrecordedParent(parent)
  if (unrecorded)
    return parent === context.active()
      ? work(unrecorded)
      : context.with(parent, work, undefined, unrecorded)
  if (neverRecorded) {
    const span = unrecordedSpan(parent)
    return context.with(trace.setSpan(parent, span), work, undefined, span)
  }
  return tracer.startActiveSpan(name, options, parent, async (span) => {
    try {
      return await work(span)
    } catch (err) {
      recordError(span, err)
      throw err
    } finally {
      span.end()
    }
  })
}

/**
 * A span for a moment (e.g. a message made now, sent later): started and ended at once, as a
 * child of the active span; returns the trace context headers that name it (or the parent,
 * where no span is recorded).
 */
export function createSpan(tracer: Tracer, name: string, spec: SpanSpec): Record<string, string> {
  const parent = context.active()
  if (disabled || unrecordedParent(parent)) return inject({}, parent)
  const span = startSpan(tracer, name, { kind: spec.kind, attributes: spec.attributes }, parent)
  span.end()
  return inject({}, trace.setSpan(parent, span))
}

/** Writes the active trace context into `headers` (traceparent, tracestate). */
export function inject(
  headers: Record<string, string> = {},
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, headers)
  return headers
}

/** The context described by `headers`' traceparent (the active one when absent). */
export function extract(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers)
}

/** The active span's W3C traceparent, if any. */
export function currentTraceparent(): string | undefined {
  return inject({}).traceparent
}

/** A span link to the span a traceparent names (undefined when it is not valid). */
export function linkTo(traceparent: string, attributes?: Attributes): Link | undefined {
  const spanContext = trace.getSpanContext(extract({ traceparent }))
  return spanContext && trace.isSpanContextValid(spanContext)
    ? { context: spanContext, attributes }
    : undefined
}

/** Prefix of the attributes naming what a span is about (`oms.key.<field>`), for searches. */
export const KEY_PREFIX = 'oms.key.'

/** `fields` as span attributes under KEY_PREFIX. */
export function keyAttributes(fields: Readonly<Record<string, unknown>>): Attributes {
  const out: Attributes = {}
  for (const [name, value] of Object.entries(fields))
    if ((typeof value === 'string' && value !== '') || typeof value === 'number')
      out[`${KEY_PREFIX}${name}`] = value
  return out
}

/** The top-level id fields of a request (`id`, `<thing>Id`) that hold text or a number. */
export function idFieldsOf(request: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (typeof request !== 'object' || request === null) return fields
  for (const [name, value] of Object.entries(request))
    if (name === 'id' || /[a-z0-9]Id$/.test(name)) fields[name] = value
  return fields
}
