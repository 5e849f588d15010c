/**
 * Every request answered gets an id (the caller's when sane), returned in `x-request-id` and on
 * the lines written while answering; then one access line — 4xx and 5xx too, with the route
 * pattern, the status, the error code and the time — and the HTTP metrics.
 */
import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { DomainError } from '../../shared/errors.ts'
import { createLogger } from '../log.ts'
import { createMetrics } from '../metrics/metrics.ts'
import { installTraceContext, recordingTracer } from '../telemetry/recording-tracer.ts'
import { observeRequests } from './observe-requests.ts'
import { callPerRequest } from './request-calls.ts'
import { createRootApp } from './root-app.ts'
import { tracedApp } from './traced-app.ts'

type Line = Record<string, unknown> & { level: string; msg: string }
const lines: Line[] = []
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
    done()
  },
})
const log = createLogger('debug', {}, sink)
const metrics = createMetrics()
const { tracer } = recordingTracer()

const functionApp = new Hono()
  .get('/items/:id', (c) => {
    log.info('reading the item')
    return c.json({ id: c.req.param('id') })
  })
  .get('/missing/:id', () => {
    throw new DomainError('NOT_FOUND', 'no such thing')
  })
  .get('/crash', () => {
    throw new Error('boom')
  })
  .get('/moved', () => Response.redirect('http://localhost/items/1', 302))
// An answer made elsewhere (a forward): its code is read from the JSON error shape.
const forwarded = new Hono().get('/elsewhere', () =>
  Response.json({ error: { code: 'INVALID_SIGNATURE', message: 'no' } }, { status: 400 }),
)
const app = createRootApp(
  [
    tracedApp(functionApp, tracer, 'test.items'),
    forwarded,
    new Hono().get('/healthz', (c) => c.json({ status: 'ok' })),
  ],
  log,
)
// As the HTTP binding composes them: each request a call, inside the observation.
callPerRequest(app, { timeoutMs: 10_000, maxInFlight: 100 })
observeRequests(app, { log, metrics })

let uninstall: () => void
beforeAll(() => {
  uninstall = installTraceContext()
})
afterAll(() => uninstall())
beforeEach(() => {
  lines.length = 0
})

/** The access line of the request with this id (it may come a moment after the answer). */
async function accessLine(requestId: string): Promise<Line> {
  for (let i = 0; i < 50; i++) {
    const found = lines.find((l) => l.requestId === requestId && 'status' in l)
    if (found) return found
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`no access line for ${requestId}`)
}

describe('observed requests', () => {
  it('echo a sane x-request-id, and carry it on every line written while answering', async () => {
    const res = await app.request('/items/42', { headers: { 'x-request-id': 'req-abc.123' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('req-abc.123')
    const during = lines.find((l) => l.msg === 'reading the item')
    expect(during?.requestId).toBe('req-abc.123')
    const access = await accessLine('req-abc.123')
    expect(access).toMatchObject({
      level: 'info',
      method: 'GET',
      route: '/items/:id',
      path: '/items/42',
      status: 200,
      ms: expect.any(Number),
      msg: expect.stringMatching(/^GET \/items\/:id 200 [\d.]+ ms$/),
    })
    expect(access).not.toHaveProperty('code')
    // The trace it ran in: in the line, and named in the answer.
    expect(access.trace_id).toMatch(/^[0-9a-f]{32}$/)
    expect(res.headers.get('x-trace-id')).toBe(access.trace_id)
    expect(during?.trace_id).toBe(access.trace_id)
  })

  it('make a new id when the caller sends none, or one that is not sane', async () => {
    for (const given of [undefined, 'has spaces in it', 'x'.repeat(129), 'quote"d']) {
      const res = await app.request('/items/1', {
        headers: given === undefined ? {} : { 'x-request-id': given },
      })
      const id = res.headers.get('x-request-id')
      expect(id).toMatch(/^[0-9a-f]{24,}$/)
      expect(id).not.toBe(given)
      expect((await accessLine(id as string)).status).toBe(200)
    }
  })

  it('make ids that differ from one request to the next', async () => {
    const ids = new Set<string>()
    for (let i = 0; i < 20; i++)
      ids.add((await app.request('/items/1')).headers.get('x-request-id') as string)
    expect(ids.size).toBe(20)
  })

  it('write a warn line for a 4xx with its route and error code', async () => {
    const res = await app.request('/missing/7')
    expect(res.status).toBe(404)
    const access = await accessLine(res.headers.get('x-request-id') as string)
    expect(access).toMatchObject({
      level: 'warn',
      route: '/missing/:id',
      status: 404,
      code: 'NOT_FOUND',
      msg: expect.stringMatching(/^GET \/missing\/:id 404 NOT_FOUND [\d.]+ ms$/),
    })
  })

  it('write an error line for a 5xx, and read the code of an answer made elsewhere', async () => {
    const crash = await app.request('/crash')
    expect(crash.status).toBe(500)
    expect(await accessLine(crash.headers.get('x-request-id') as string)).toMatchObject({
      level: 'error',
      status: 500,
      code: 'INTERNAL',
    })
    const other = await app.request('/elsewhere')
    expect(other.status).toBe(400)
    expect(await other.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } })
    expect(await accessLine(other.headers.get('x-request-id') as string)).toMatchObject({
      level: 'warn',
      route: '/elsewhere',
      status: 400,
      code: 'INVALID_SIGNATURE',
    })
  })

  it('name no route for a request no route answers', async () => {
    const res = await app.request('/nowhere/at/all', { method: 'POST', body: '{}' })
    expect(res.status).toBe(404)
    expect(await accessLine(res.headers.get('x-request-id') as string)).toMatchObject({
      route: 'unmatched',
      path: '/nowhere/at/all',
      status: 404,
      code: 'NOT_FOUND',
    })
  })

  it('return the id on answers whose headers cannot be changed (a redirect)', async () => {
    const res = await app.request('/moved', { headers: { 'x-request-id': 'moving-1' } })
    expect(res.status).toBe(302)
    expect(res.headers.get('x-request-id')).toBe('moving-1')
    expect(res.headers.get('location')).toBe('http://localhost/items/1')
  })

  it('log probes at debug, not info', async () => {
    const res = await app.request('/healthz')
    expect(res.status).toBe(200)
    expect((await accessLine(res.headers.get('x-request-id') as string)).level).toBe('debug')
  })

  it('count every answer by method, route and status, with its time', async () => {
    const series = async () => {
      const text = await metrics.registry.metrics()
      const count = (labels: string) =>
        Number(
          new RegExp(`^oms_http_requests_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0,
        )
      return {
        ok: count('method="GET",route="/items/:id",status="200"'),
        missing: count('method="GET",route="/missing/:id",status="404"'),
        timed:
          /^oms_http_request_duration_seconds_count\{method="GET",route="\/items\/:id",status="200"\} \d+$/m.test(
            text,
          ),
      }
    }
    const before = await series()
    await app.request('/items/1')
    await app.request('/items/2')
    await app.request('/missing/3')
    const after = await series()
    expect(after.ok - before.ok).toBe(2)
    expect(after.missing - before.missing).toBe(1)
    expect(after.timed).toBe(true)
  })
})
