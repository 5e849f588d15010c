/**
 * Each HTTP request a call, on a real server: answered 504 at its deadline whatever its handler
 * awaits, shortened by a forward's time left, given up when its client goes away, and refused at
 * once (503, Retry-After) past the in-flight limit or once the process stops.
 */
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import { abortableCollection } from '../model/abortable-ports.ts'
import type { Call } from '../model/call.ts'
import { activeCall } from '../model/call-scope.ts'
import { callPerRequest, type RequestCallsOptions, TIMEOUT_HEADER } from './request-calls.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let server: ServerType | undefined
afterEach(async () => {
  ;(server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.()
  await new Promise((r) => (server ? server.close(r) : r(undefined)))
  server = undefined
})

/** `app` served on a free port, its requests calls. */
async function served(app: Hono, options: RequestCallsOptions) {
  const requests = callPerRequest(app, options)
  server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server?.once('listening', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, requests }
}

/** Resolves with the call of the request once its handler runs; the handler waits for `release`. */
function holdingApp() {
  const seen: Call[] = []
  let release = () => {}
  const released = new Promise<void>((r) => (release = r))
  const app = new Hono().get('/hold', async (c) => {
    seen.push(activeCall() as Call)
    await Promise.race([
      released,
      new Promise((r) => activeCall()?.signal.addEventListener('abort', r)),
    ])
    return c.json({ ok: true })
  })
  return { app, seen, release: () => release() }
}

describe('an HTTP request', () => {
  it('is answered 504 DEADLINE_EXCEEDED at its deadline, its handler’s signal aborted', async () => {
    const { app, seen } = holdingApp()
    const { url } = await served(app, { timeoutMs: 300, maxInFlight: 100 })
    const started = Date.now()
    const res = await fetch(`${url}/hold`)
    const took = Date.now() - started
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: { code: 'DEADLINE_EXCEEDED' } })
    expect(took).toBeGreaterThanOrEqual(280)
    expect(took).toBeLessThan(1_000)
    expect(seen[0]?.signal.reason).toMatchObject({ code: 'DEADLINE_EXCEEDED' })
  })

  it('has the time left a forward sent, when shorter than its own', async () => {
    let deadline = 0
    const app = new Hono().get('/d', (c) => {
      deadline = activeCall()?.deadline ?? 0
      return c.text('ok')
    })
    const { url } = await served(app, { timeoutMs: 10_000, maxInFlight: 100 })
    const before = Date.now()
    await fetch(`${url}/d`, { headers: { [TIMEOUT_HEADER]: '1500' } })
    expect(deadline - before).toBeGreaterThanOrEqual(1_400)
    expect(deadline - before).toBeLessThanOrEqual(1_600)
    await fetch(`${url}/d`, { headers: { [TIMEOUT_HEADER]: '999999' } })
    expect(deadline - Date.now()).toBeLessThanOrEqual(10_000)
    const late = await fetch(`${url}/d`, { headers: { [TIMEOUT_HEADER]: '0' } })
    expect(late.status).toBe(504)
  })

  it('is given up when its client goes away: its further store operations fail unsent', async () => {
    const store = memoryDocuments()
    const spec = { name: 'things', indexes: [] }
    await store.prepare('test', [spec])
    const things = abortableCollection(store.collection('test', spec))
    let outcome: unknown
    const done = new Promise<void>((resolve) => {
      const app = new Hono().get('/slow', async (c) => {
        const call = activeCall() as Call
        await new Promise((r) => call.signal.addEventListener('abort', r))
        outcome = await things.insert({ _id: 'x' }).catch((err: unknown) => err)
        resolve()
        return c.text('too late')
      })
      void served(app, { timeoutMs: 10_000, maxInFlight: 100 }).then(({ url }) => {
        const client = new AbortController()
        void fetch(`${url}/slow`, { signal: client.signal }).catch(() => {})
        setTimeout(() => client.abort(), 100)
      })
    })
    await done
    expect(outcome).toMatchObject({ code: 'CANCELLED' })
    expect(await store.collection('test', spec).get('x')).toBeUndefined()
  })

  it('is refused at once past the in-flight limit, and served again once below it', async () => {
    const { app, release } = holdingApp()
    app.get('/healthz', (c) => c.text('ok'))
    const { url } = await served(app, { timeoutMs: 10_000, maxInFlight: 2 })
    const held = [fetch(`${url}/hold`), fetch(`${url}/hold`)]
    await sleep(100)
    const started = Date.now()
    const refused = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/hold`)))
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(refused.map((r) => r.status)).toEqual(Array(20).fill(503))
    expect(refused[0]?.headers.get('retry-after')).toBe('1')
    expect(await refused[0]?.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } })
    // Probes are answered even then.
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    release()
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200])
    expect((await fetch(`${url}/hold`)).status).toBe(200)
  })

  it('is refused once the process stops taking work, and the connection closed', async () => {
    const app = new Hono().get('/x', (c) => c.text('ok'))
    const { url, requests } = await served(app, { timeoutMs: 10_000, maxInFlight: 100 })
    expect((await fetch(`${url}/x`)).status).toBe(200)
    requests.stopIntake()
    const res = await fetch(`${url}/x`)
    expect(res.status).toBe(503)
    expect(res.headers.get('connection')).toBe('close')
    expect(res.headers.get('retry-after')).toBe('1')
  })
})
