/**
 * The process's own listener for /metrics and /healthz (Node's HTTP server, no Hono): what it
 * answers, the JSON error of anything else, the request id, and each request counted and
 * logged at debug level.
 */
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { parseScrape } from '../../test/prometheus-text.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import { createLogger } from '../log.ts'
import { createMetrics } from '../metrics/metrics.ts'
import type { Bus } from '../ports/bus.ts'
import { type MetricsListener, startMetricsListener } from './metrics-listener.ts'

let listener: MetricsListener | undefined
afterEach(async () => {
  await listener?.stop()
  listener = undefined
})

async function start(bus: Bus = memoryBus()) {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  const metrics = createMetrics()
  listener = await startMetricsListener({
    host: '127.0.0.1',
    port: 0,
    metrics,
    log: createLogger('debug', {}, sink),
    health: { store: memoryDocuments(), bus },
  })
  return { base: listener.url.replace(/\/metrics$/, ''), lines, metrics }
}

describe('the metrics listener', () => {
  it("serves the metrics in Prometheus' text format, counting its own requests", async () => {
    const { base } = await start()
    await fetch(`${base}/healthz`)
    const res = await fetch(`${base}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const scrape = parseScrape(await res.text())
    expect(scrape.types.get('oms_http_requests_total')).toBe('counter')
    expect(
      scrape.value('oms_http_requests_total', { route: '/healthz', status: '200' }),
    ).toBeGreaterThanOrEqual(1)
  })

  it('answers /healthz with the checks, and 503 when the bus is down', async () => {
    const ok = await start()
    const up = await fetch(`${ok.base}/healthz`)
    expect(up.status).toBe(200)
    expect(await up.json()).toEqual({
      status: 'ok',
      checks: { store: { kind: 'embedded', ok: true }, bus: { kind: 'embedded', ok: true } },
    })
    await listener?.stop()
    const down = memoryBus()
    down.health = async () => ({ ok: false, detail: 'broker away' })
    const { base } = await start(down)
    const res = await fetch(`${base}/healthz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({
      status: 'unavailable',
      checks: { bus: { ok: false, detail: 'broker away' } },
    })
  })

  it('answers anything else with the JSON 404, naming the request', async () => {
    const { base } = await start()
    for (const [method, path] of [
      ['GET', '/nope?x=1'],
      ['POST', '/metrics'],
      ['DELETE', '/healthz'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: `no route for ${method} ${path.split('?')[0]}` },
      })
    }
  })

  it("carries the caller's request id, or a new one, and logs each request at debug", async () => {
    const { base, lines } = await start()
    const given = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'probe-42' } })
    expect(given.headers.get('x-request-id')).toBe('probe-42')
    const made = await fetch(`${base}/metrics`)
    expect(made.headers.get('x-request-id')).toMatch(/\S{8,}/)
    await expect
      .poll(() => lines.filter((l) => typeof l.route === 'string'))
      .toEqual([
        expect.objectContaining({
          level: 'debug',
          requestId: 'probe-42',
          method: 'GET',
          route: '/healthz',
          status: 200,
        }),
        expect.objectContaining({
          level: 'debug',
          requestId: made.headers.get('x-request-id'),
          route: '/metrics',
          status: 200,
        }),
      ])
  })
})
