/**
 * HTTP functions' SERVER spans: named after the route, with its status; the caller's trace
 * context is the parent; domain answers are not faults, crashes are; a recorded trace is named
 * in `traceresponse`, any trace in `x-trace-id`; inside an unsampled trace no span is made.
 */
import { trace } from '@opentelemetry/api'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DomainError } from '../../shared/errors.ts'
import { createLogger } from '../log.ts'
import { installTraceContext, recordingTracer } from '../telemetry/recording-tracer.ts'
import { setUnsampledStaysUnrecorded } from '../telemetry/spans.ts'
import { createRootApp } from './root-app.ts'
import { tracedApp } from './traced-app.ts'

const { tracer, exporter } = recordingTracer()
let uninstall: () => void
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const CALLER_SPAN = 'b7ad6b7169203331'

let seenTraceId: string | undefined
const app = createRootApp(
  [
    tracedApp(
      new Hono()
        .get('/items/:id', (c) => {
          seenTraceId = trace.getActiveSpan()?.spanContext().traceId
          return c.json({ id: c.req.param('id') })
        })
        .get('/missing', () => {
          throw new DomainError('NOT_FOUND', 'no such thing')
        })
        .get('/crash', async () => {
          await new Promise((resolve) => setImmediate(resolve))
          throw new Error('boom')
        }),
      tracer,
      'test.items',
    ),
  ],
  createLogger('silent'),
)

beforeAll(() => {
  uninstall = installTraceContext()
})
afterAll(() => uninstall())
beforeEach(() => {
  exporter.reset()
  seenTraceId = undefined
  setUnsampledStaysUnrecorded(true)
})

describe('tracedApp', () => {
  it('makes a SERVER span named after the route, child of the caller, and names it back', async () => {
    const res = await app.request('/items/42', {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` },
    })
    expect(res.status).toBe(200)
    const [span, ...rest] = exporter.getFinishedSpans()
    expect(rest).toEqual([])
    expect(span?.name).toBe('GET /items/:id')
    expect(span?.kind).toBe(1) // SERVER
    expect(span?.spanContext().traceId).toBe(TRACE_ID)
    expect(span?.parentSpanContext?.spanId).toBe(CALLER_SPAN)
    expect(span?.attributes).toMatchObject({
      'http.route': '/items/:id',
      'http.response.status_code': 200,
      'faas.name': 'test.items',
    })
    expect(seenTraceId).toBe(TRACE_ID)
    expect(res.headers.get('traceresponse')).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`)
    expect(res.headers.get('x-trace-id')).toBe(TRACE_ID)
  })

  it('records a domain answer as its status, not as a fault', async () => {
    const res = await app.request('/missing')
    expect(res.status).toBe(404)
    const [span] = exporter.getFinishedSpans()
    expect(span?.attributes).toMatchObject({
      'http.response.status_code': 404,
      'oms.error.code': 'NOT_FOUND',
    })
    expect(span?.status.code).toBe(0) // UNSET
  })

  it('marks a crash as an error with a 500', async () => {
    const res = await app.request('/crash')
    expect(res.status).toBe(500)
    const [span] = exporter.getFinishedSpans()
    expect(span?.attributes['http.response.status_code']).toBe(500)
    expect(span?.status.code).toBe(2) // ERROR
    expect(span?.events.map((e) => e.name)).toEqual(['exception'])
  })

  it('makes no span inside an unsampled trace, but the handler keeps its trace id', async () => {
    const res = await app.request('/items/7', {
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-00` },
    })
    expect(res.status).toBe(200)
    expect(exporter.getFinishedSpans()).toEqual([])
    expect(seenTraceId).toBe(TRACE_ID)
    expect(res.headers.get('traceresponse')).toBeNull()
    // The answer still names the trace it ran in.
    expect(res.headers.get('x-trace-id')).toBe(TRACE_ID)
  })
})
