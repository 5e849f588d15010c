/**
 * The span ring keeps the last finished spans as plain copies — ids, parent, service, times,
 * status, attributes, events and links — the oldest dropped once it is full.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { describe, expect, it } from 'vitest'
import { type KeptSpan, SpanRing } from './span-ring.ts'

function tracerInto(ring: SpanRing, service = 'billing') {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [ring],
  })
  return provider.getTracer('test')
}

const named = (spans: KeptSpan[]) => spans.map((s) => s.name)

describe('the span ring', () => {
  it('keeps finished spans in the order they ended, and drops the oldest once full', () => {
    const ring = new SpanRing(3)
    const tracer = tracerInto(ring)
    expect(ring.spans()).toEqual([])
    tracer.startSpan('open').end()
    expect(named(ring.spans())).toEqual(['open'])
    for (const name of ['a', 'b', 'c', 'd']) tracer.startSpan(name).end()
    expect(named(ring.spans())).toEqual(['b', 'c', 'd'])
    expect(ring.size).toBe(3)
    tracer.startSpan('e').end()
    expect(named(ring.spans())).toEqual(['c', 'd', 'e'])
  })

  it('keeps nothing of a span that has not ended', () => {
    const ring = new SpanRing(4)
    const span = tracerInto(ring).startSpan('running')
    expect(ring.spans()).toEqual([])
    span.end()
    expect(named(ring.spans())).toEqual(['running'])
  })

  it('copies what a span says: ids, parent, service, times, status, attributes, events, links', () => {
    const ring = new SpanRing(10)
    const tracer = tracerInto(ring, 'ledger')
    const earlier = tracer.startSpan('earlier')
    earlier.end()
    const parent = tracer.startSpan('parent', {
      kind: SpanKind.SERVER,
      startTime: 1_700_000_000_000,
    })
    const child = tracer.startSpan(
      'child',
      {
        kind: SpanKind.CONSUMER,
        startTime: 1_700_000_000_010,
        attributes: { 'oms.key.thingId': 't-1', 'messaging.delivery.attempt': 2, tags: ['x', 'y'] },
        links: [{ context: earlier.spanContext(), attributes: { why: 'continues' } }],
      },
      trace.setSpan(context.active(), parent),
    )
    child.recordException(new Error('the ink ran dry'))
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'the ink ran dry' })
    child.end(1_700_000_000_035)
    parent.end(1_700_000_000_040)

    const kept = ring.spans()
    expect(named(kept)).toEqual(['earlier', 'child', 'parent'])
    const [, copy, top] = kept as [KeptSpan, KeptSpan, KeptSpan]
    expect(copy).toMatchObject({
      traceId: parent.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: parent.spanContext().spanId,
      kind: 'consumer',
      service: 'ledger',
      startMs: 1_700_000_000_010,
      durationMs: 25,
      status: 'error',
      statusMessage: 'the ink ran dry',
      attributes: { 'oms.key.thingId': 't-1', 'messaging.delivery.attempt': 2, tags: 'x,y' },
      links: [
        {
          traceId: earlier.spanContext().traceId,
          spanId: earlier.spanContext().spanId,
          attributes: { why: 'continues' },
        },
      ],
    })
    expect(copy.events).toEqual([
      expect.objectContaining({
        name: 'exception',
        attributes: expect.objectContaining({ 'exception.message': 'the ink ran dry' }),
      }),
    ])
    expect(top.parentSpanId).toBeUndefined()
    expect(top).toMatchObject({ kind: 'server', status: 'unset', durationMs: 40, links: [] })
  })

  it('refuses a size below one span', () => {
    expect(() => new SpanRing(0)).toThrow(/at least one span/)
  })
})
