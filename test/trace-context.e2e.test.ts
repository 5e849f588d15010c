/**
 * Not exporting (no OTEL_EXPORTER_OTLP_ENDPOINT), trace context still flows: a caller's trace
 * id reaches the log lines a function writes before and after an in-process gRPC call, and a
 * request without one gets a fresh trace id. Nothing is recorded, so no `traceresponse`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTracedSystem, type TracedSystem } from './fixtures/trace-context.ts'

let system: TracedSystem

beforeAll(async () => {
  system = await startTracedSystem()
})
afterAll(() => system.runtime.stop())

const linesAbout = (from: number) =>
  system.lines.slice(from).filter((l) => l.msg === 'before the call' || l.msg === 'after the call')

describe('trace context without exporting', () => {
  it("logs the caller's trace id on both sides of an in-process call", async () => {
    const from = system.lines.length
    const traceId = '0af7651916cd43dd8448eb211c80319c'
    const res = await fetch(`${system.url}/probe`, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ items: expect.any(Number) })
    expect(res.headers.get('traceresponse')).toBeNull()
    // Not recorded, but named: the answer says which trace the logs carry.
    expect(res.headers.get('x-trace-id')).toBe(traceId)
    const lines = linesAbout(from)
    expect(lines.map((l) => l.msg)).toEqual(['before the call', 'after the call'])
    for (const line of lines) expect(line.trace_id).toBe(traceId)
  })

  it('gives a request without trace context a trace id of its own', async () => {
    const from = system.lines.length
    const res = await fetch(`${system.url}/probe`)
    expect(res.status).toBe(200)
    const [before, after] = linesAbout(from)
    expect(before?.trace_id).toMatch(/^[0-9a-f]{32}$/)
    expect(before?.trace_id).not.toBe('0'.repeat(32))
    expect(after?.trace_id).toBe(before?.trace_id)
  })
})
