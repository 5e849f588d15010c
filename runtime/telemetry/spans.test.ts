/**
 * inSpan records a child span inside a sampled trace; inside a trace that is not sampled it
 * makes none and runs the work in the caller's context (same trace id), and with tracing off
 * it runs the work bare.
 */
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { installTraceContext, recordingTracer } from './recording-tracer.ts'
import {
  inSpan,
  setTracingDisabled,
  setUnsampledStaysUnrecorded,
  unrecordedParent,
} from './spans.ts'

const { tracer, exporter } = recordingTracer()
/** A sampler that ignores the parent (always_on): it records even inside an unsampled trace. */
const { tracer: alwaysOn } = recordingTracer(exporter, new AlwaysOnSampler())
let uninstall: () => void

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const parentWith = (traceFlags: number) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '00f067aa0ba902b7', traceFlags })

/** The active span's trace and span id after an await, as a handler would see them. */
async function activeIds() {
  await new Promise((resolve) => setImmediate(resolve))
  return trace.getActiveSpan()?.spanContext()
}

beforeAll(() => {
  uninstall = installTraceContext()
})
afterAll(() => uninstall())
beforeEach(() => {
  exporter.reset()
  setTracingDisabled(false)
  setUnsampledStaysUnrecorded(true)
})

describe('inSpan', () => {
  it('records a child of a sampled parent, active across awaits', async () => {
    const seen = await inSpan(tracer, 'child', { parent: parentWith(TraceFlags.SAMPLED) }, () =>
      activeIds(),
    )
    const [span, ...rest] = exporter.getFinishedSpans()
    expect(rest).toEqual([])
    expect(span?.name).toBe('child')
    expect(span?.spanContext().traceId).toBe(TRACE_ID)
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7')
    expect(seen?.spanId).toBe(span?.spanContext().spanId)
  })

  it('makes no span inside an unsampled trace; the work keeps the caller’s trace', async () => {
    const seen = await inSpan(tracer, 'child', { parent: parentWith(TraceFlags.NONE) }, () =>
      activeIds(),
    )
    expect(exporter.getFinishedSpans()).toEqual([])
    expect(seen).toMatchObject({ traceId: TRACE_ID, spanId: '00f067aa0ba902b7' })
  })

  it('still records under an unsampled parent when the sampler ignores parents', async () => {
    setUnsampledStaysUnrecorded(false)
    await inSpan(alwaysOn, 'child', { parent: parentWith(TraceFlags.NONE) }, async () => {})
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child'])
  })

  it('starts a new trace when there is no parent', async () => {
    const seen = await inSpan(tracer, 'root', {}, () => activeIds())
    const [span] = exporter.getFinishedSpans()
    expect(span?.name).toBe('root')
    expect(seen?.traceId).toBe(span?.spanContext().traceId)
  })

  it('runs the work without any span when tracing is off, and passes its errors on', async () => {
    setTracingDisabled(true)
    const seen = await inSpan(tracer, 'root', {}, () => activeIds())
    expect(seen).toBeUndefined()
    await expect(
      inSpan(tracer, 'root', {}, async () => {
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(exporter.getFinishedSpans()).toEqual([])
  })
})

describe('the parent of a span that would record nothing', () => {
  beforeEach(() => setUnsampledStaysUnrecorded(true))

  it('is the parent of a valid trace not sampled, asked once or many times', () => {
    const unsampled = parentWith(TraceFlags.NONE)
    for (let i = 0; i < 3; i++)
      expect(unrecordedParent(unsampled)?.spanContext().spanId).toBe('00f067aa0ba902b7')
  })

  it('is none for a sampled parent, an invalid one, or no parent, whatever was asked before', () => {
    expect(unrecordedParent(parentWith(TraceFlags.NONE))).toBeDefined()
    expect(unrecordedParent(parentWith(TraceFlags.SAMPLED))).toBeUndefined()
    const invalid = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0'.repeat(32),
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
    })
    expect(unrecordedParent(invalid)).toBeUndefined()
    expect(unrecordedParent(ROOT_CONTEXT)).toBeUndefined()
  })
})
