/**
 * OTEL_SDK_DISABLED=true turns tracing off: functions answer as before, but no trace context
 * is kept (log lines carry no trace id) and none is sent back; the request id still is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTracedSystem, type TracedSystem } from './fixtures/trace-context.ts'

let system: TracedSystem

beforeAll(async () => {
  system = await startTracedSystem({ OTEL_SDK_DISABLED: 'TRUE' })
})
afterAll(() => system.runtime.stop())

describe('tracing off', () => {
  it('answers without trace ids in logs or headers', async () => {
    const from = system.lines.length
    const res = await fetch(`${system.url}/probe`, {
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ items: expect.any(Number) })
    expect(res.headers.get('traceresponse')).toBeNull()
    expect(res.headers.get('x-trace-id')).toBeNull()
    // The request id does not need tracing.
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f]{24,}$/)
    const lines = system.lines.slice(from).filter((l) => l.msg.endsWith('the call'))
    expect(lines).toHaveLength(2)
    for (const line of lines) {
      expect(line.trace_id).toBeUndefined()
      expect(line.requestId).toBe(requestId)
    }
  })
})
