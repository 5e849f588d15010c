/**
 * Spans where nothing is recorded: ids as W3C Trace Context wants them (lowercase hex, not all
 * zero), new for every span, and the parent's trace (and trace state) kept.
 */
import { createTraceState, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { unrecordedSpan } from './unrecorded-span.ts'

describe('an unrecorded span', () => {
  it('starts a new trace of its own at the root, with ids that are new every time', () => {
    const traces = new Set<string>()
    const spans = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const span = unrecordedSpan(ROOT_CONTEXT)
      const { traceId, spanId, traceFlags } = span.spanContext()
      expect(traceId).toMatch(/^[0-9a-f]{32}$/)
      expect(spanId).toMatch(/^[0-9a-f]{16}$/)
      expect(traceFlags).toBe(TraceFlags.NONE)
      expect(span.isRecording()).toBe(false)
      traces.add(traceId)
      spans.add(spanId)
    }
    expect(traces.size).toBe(10_000)
    expect(spans.size).toBe(10_000)
  })

  it('stays in its parent’s trace, with the parent’s trace state, not sampled', () => {
    const parentSpan = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState('a=v'),
    })
    const span = unrecordedSpan(trace.setSpan(ROOT_CONTEXT, parentSpan))
    const { traceId, spanId, traceFlags, traceState } = span.spanContext()
    expect(traceId).toBe('0af7651916cd43dd8448eb211c80319c')
    expect(spanId).not.toBe('b7ad6b7169203331')
    expect(traceFlags).toBe(TraceFlags.NONE)
    expect(traceState?.serialize()).toBe('a=v')
  })
})
