/**
 * Overload on a real HTTP server in front of a slow store (one operation at a time, 2 ms each:
 * about 100 requests a second of 5 operations): past MAX_IN_FLIGHT the excess is refused at once
 * with 503 and Retry-After, instead of queueing past every deadline; clients that give up take
 * their work with them; and right after the load stops a request is served at once — no backlog
 * outlives the load.
 */
import { spawn } from 'node:child_process'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createAdapters } from '../runtime/adapters/create-adapters.ts'
import { memoryDocuments } from '../runtime/adapters/documents/memory/memory-documents.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { collection, data } from '../runtime/model/data.ts'
import { domain } from '../runtime/model/domain.ts'
import type { Collection, Doc, DocumentStore } from '../runtime/ports/documents.ts'
import { silentLogger, testConfig, testEnv } from './fixtures.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const OP_MS = 2
const OPS_PER_REQUEST = 5

/** A store doing one operation at a time, `OP_MS` each, with the times they ran. */
function slowStore(): { store: DocumentStore; ran: number[] } {
  const inner = memoryDocuments()
  const ran: number[] = []
  let lane: Promise<unknown> = Promise.resolve()
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = lane
      .then(() => sleep(OP_MS))
      .then(() => {
        ran.push(Date.now())
        return op()
      })
    lane = next.catch(() => {})
    return next
  }
  const store: DocumentStore = {
    kind: inner.kind,
    remote: inner.remote,
    prepare: (ns, specs) => inner.prepare(ns, specs),
    ping: () => inner.ping(),
    close: () => inner.close(),
    collection<D extends Doc>(ns: string, spec: Parameters<DocumentStore['collection']>[1]) {
      const c = inner.collection<D>(ns, spec)
      return Object.fromEntries(
        Object.entries(c).map(([name, op]) => [
          name,
          (...args: unknown[]) =>
            serial(() => (op as (...a: unknown[]) => Promise<unknown>).apply(c, args)),
        ]),
      ) as unknown as Collection<D>
    },
  }
  return { store, ran }
}

const things = collection<{ _id: string }>('things')
const busy = domain('busy', { data: data({ things }, (c) => c.things) })
const api = {
  name: 'busy.api',
  domain: 'busy',
  def: busy.http((ctx) =>
    new Hono().post('/work', async (c) => {
      for (let i = 0; i < OPS_PER_REQUEST; i++) await ctx.data.get('x')
      return c.json({ done: true })
    }),
  ),
}

let runtime: Runtime | undefined
afterEach(async () => {
  await runtime?.stop()
  runtime = undefined
})

/** The function served on a slow store; its URL and the times its operations ran. */
async function serve(env: Record<string, string>) {
  const { store, ran } = slowStore()
  const shared = await createAdapters(testConfig(), silentLogger)
  runtime = await createRuntime({
    functions: [api],
    env: testEnv(env),
    adapters: { ...shared, store },
    log: silentLogger,
  })
  await runtime.start()
  // 127.0.0.1: `localhost` tries ::1 first, a quarter second on each new connection.
  return { url: `${runtime.bound.httpUrl?.replace('localhost', '127.0.0.1')}/work`, ran }
}

interface Answer {
  status: number | 'gave up'
  ms: number
}

/**
 * `clients` clients asking as fast as they are answered for `forMs`, each giving up after
 * `patienceMs`: from a process of their own, so the server's event loop is its own (a client in
 * this one would leave requests unread in the server's sockets long after they were given up).
 */
async function load(url: string, clients: number, forMs: number, patienceMs: number) {
  const script = `
    const [url, clients, forMs, patienceMs] = process.argv.slice(1)
    const answers = []
    const until = Date.now() + Number(forMs)
    const client = async () => {
      while (Date.now() < until) {
        const sent = Date.now()
        try {
          const res = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(Number(patienceMs)) })
          await res.arrayBuffer()
          answers.push({ status: res.status, ms: Date.now() - sent })
          if (res.status === 503) await new Promise((r) => setTimeout(r, 10))
        } catch {
          answers.push({ status: 'gave up', ms: Date.now() - sent })
        }
      }
    }
    Promise.all(Array.from({ length: Number(clients) }, client)).then(() =>
      process.stdout.write(JSON.stringify(answers)),
    )`
  const child = spawn(
    process.execPath,
    ['-e', script, url, String(clients), String(forMs), String(patienceMs)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out) as Answer[]
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** How long one store operation took during the load (the machine may be busy): the median gap. */
function opMs(ran: number[]): number {
  const gaps = ran.slice(1).map((t, i) => t - (ran[i] as number))
  return Math.max(OP_MS, median(gaps) ?? OP_MS)
}

describe('a process under overload', () => {
  it('refuses what is past its in-flight limit with 503 at once, serving the rest', async () => {
    const { url } = await serve({ MAX_IN_FLIGHT: '4', REQUEST_TIMEOUT_MS: '10000' })
    const answers = await load(url, 40, 2_000, 10_000)
    const shed = answers.filter((a) => a.status === 503)
    const served = answers.filter((a) => a.status === 200)
    expect(served.length).toBeGreaterThan(0)
    expect(shed.length).toBeGreaterThan(served.length)
    expect(answers.filter((a) => a.status === 'gave up')).toEqual([])
    // Refused at once, while what is served waits its turn at the store.
    expect(median(shed.map((a) => a.ms))).toBeLessThan(median(served.map((a) => a.ms)) ?? 0)
  }, 30_000)

  it('stops the work of clients that gave up: no backlog outlives the load', async () => {
    // 40 impatient clients ask faster than the store can answer.
    const [limit, clients] = [20, 40]
    const { url, ran } = await serve({ MAX_IN_FLIGHT: String(limit), REQUEST_TIMEOUT_MS: '10000' })
    const answers = await load(url, clients, 2_000, 100)
    const stopped = Date.now()
    const perOp = opMs(ran)
    expect(answers.filter((a) => a.status === 'gave up').length).toBeGreaterThan(clients)
    // A request given up runs no operation after its client left but the one it had sent
    // already, and counts against the limit until that one is done; a busy server may still
    // find in its sockets one request per client it reads only after the client left, which
    // sends its first operation before its client's leaving is read. So once the load stops, at
    // most that many operations are left — not the 5 each request would run to its end — and a
    // new request is served right after.
    const next = Date.now()
    const res = await fetch(url, { method: 'POST' })
    expect(res.status).toBe(200)
    const left = limit + clients + OPS_PER_REQUEST
    expect(ran.filter((t) => t > stopped).length).toBeLessThanOrEqual(left)
    expect(Date.now() - next).toBeLessThan(left * perOp * 2 + 200)
  }, 30_000)
})
