/**
 * Deadlines and cancellation across processes' worth of runtimes (each with its own HTTP and
 * gRPC servers, on loopback): an HTTP request's time left reaches every gRPC hop (edge → mid →
 * leaf), a handler whose caller gave up sees its signal aborted and its further store operations
 * refused unsent, and a deadline passing answers 504 at once.
 */
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import * as proto from '../proto/gen/oms.ts'
import { createAdapters } from '../runtime/adapters/create-adapters.ts'
import { memoryDocuments } from '../runtime/adapters/documents/memory/memory-documents.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { collection, data } from '../runtime/model/data.ts'
import type { LoadedFunction } from '../runtime/model/define.ts'
import { domain } from '../runtime/model/domain.ts'
import { grpcService } from '../runtime/model/grpc-service.ts'
import type { DocumentStore } from '../runtime/ports/documents.ts'
import { silentLogger, testEnv } from './fixtures.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What each hop saw of its call. */
interface Seen {
  deadline: number
  /** Its time left as its handler started, and as it called the next hop. */
  leftAtStart: number
  leftAtCall?: number
  reason?: unknown
  stored?: unknown
}
const left = (deadline: number) => deadline - Date.now()
const seen: Record<'edge' | 'mid' | 'leaf', Seen[]> = { edge: [], mid: [], leaf: [] }
/** How the leaf answers the next call: at once, or once its caller has given up. */
let leafWaits = false

const midService = grpcService(proto, 'StockService', 'mid')
const leafService = grpcService(proto, 'StockService', 'leaf')

const notes = collection<{ _id: string }>('notes')
const leaf = domain('leaf', {
  serves: leafService,
  data: data({ notes }, (c) => c.notes),
})
const mid = domain('mid', { serves: midService, clients: { leaf: leafService } })
const edge = domain('edge', { clients: { mid: midService } })

const functions: Record<'edge' | 'mid' | 'leaf', LoadedFunction> = {
  leaf: {
    name: 'leaf.check-stock',
    domain: 'leaf',
    def: leaf.grpcMethod('checkStock', async (_req, ctx) => {
      const mine: Seen = { deadline: ctx.deadline, leftAtStart: left(ctx.deadline) }
      seen.leaf.push(mine)
      if (leafWaits) {
        await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }))
        mine.reason = ctx.signal.reason
        // Work after the caller gave up: refused, nothing written.
        mine.stored = await ctx.data.insert({ _id: `late-${seen.leaf.length}` }).catch((e) => e)
      }
      return { inStock: true, levels: [] }
    }),
  },
  mid: {
    name: 'mid.check-stock',
    domain: 'mid',
    def: mid.grpcMethod('checkStock', async (req, ctx) => {
      const mine: Seen = { deadline: ctx.deadline, leftAtStart: left(ctx.deadline) }
      seen.mid.push(mine)
      try {
        mine.leftAtCall = left(ctx.deadline)
        return await ctx.clients.leaf.checkStock(req)
      } finally {
        mine.reason = ctx.signal.aborted ? ctx.signal.reason : undefined
      }
    }),
  },
  edge: {
    name: 'edge.api',
    domain: 'edge',
    def: edge.http((ctx) =>
      new Hono().get('/chain', async (c) => {
        const mine: Seen = { deadline: ctx.deadline, leftAtStart: left(ctx.deadline) }
        seen.edge.push(mine)
        mine.leftAtCall = left(ctx.deadline)
        const answer = await ctx.clients.mid.checkStock({ items: [] })
        return c.json(answer)
      }),
    ),
  },
}

let runtimes: Runtime[] = []
let leafStore: DocumentStore
afterEach(async () => {
  await Promise.allSettled(runtimes.map((r) => r.stop()))
  runtimes = []
  seen.edge = []
  seen.mid = []
  seen.leaf = []
  leafWaits = false
})

/** Three runtimes sharing a registry and a bus, each its own servers; the edge's HTTP URL. */
async function startChain(
  env: Record<string, string> = {},
  /** Variables of one runtime only. */
  own: Partial<Record<'edge' | 'mid' | 'leaf', Record<string, string>>> = {},
): Promise<string> {
  const shared = await createAdapters((await import('./fixtures.ts')).testConfig(), silentLogger)
  leafStore = memoryDocuments()
  for (const name of ['leaf', 'mid', 'edge'] as const) {
    const runtime = await createRuntime({
      functions: [functions[name]],
      env: testEnv({ ...env, ...own[name] }),
      adapters: { ...shared, store: name === 'leaf' ? leafStore : memoryDocuments() },
      log: silentLogger,
    })
    runtimes.push(runtime)
    await runtime.start()
  }
  return runtimes[2]?.bound.httpUrl as string
}

describe('a call through three runtimes over gRPC', () => {
  it('carries the time left of the HTTP request to every hop, not a fresh timeout', async () => {
    const url = await startChain({ REQUEST_TIMEOUT_MS: '3000' })
    const sent = Date.now()
    const res = await fetch(`${url}/chain`)
    expect(res.status).toBe(200)
    const [e, m, l] = [seen.edge[0], seen.mid[0], seen.leaf[0]]
    expect(e?.deadline).toBeGreaterThanOrEqual(sent + 2_900)
    expect(e?.deadline).toBeLessThanOrEqual(sent + 3_100)
    // Each hop has what its caller had left as it called, never the clients' own 10 s: a
    // grpc-timeout is the time left when the call leaves (relative, so clocks need not agree),
    // so the time left never grows along the chain (but for the timeout's rounding up to 1 ms).
    for (const [caller, callee] of [
      [e, m],
      [m, l],
    ] as const)
      expect(callee?.leftAtStart).toBeLessThanOrEqual((caller?.leftAtCall ?? 0) + 2)
    expect(l?.leftAtStart).toBeGreaterThan(2_000)
    // In absolute terms, each deadline is its caller's plus the time the call took to arrive.
    expect(l?.deadline).toBeLessThanOrEqual((e?.deadline ?? 0) + 100)
  })

  it('gives up every hop when the client goes away: the leaf’s store refuses its work', async () => {
    const url = await startChain({ REQUEST_TIMEOUT_MS: '10000' })
    leafWaits = true
    const client = new AbortController()
    const answered = fetch(`${url}/chain`, { signal: client.signal }).catch((e) => e)
    await waitUntil(() => seen.leaf.length === 1)
    client.abort()
    await answered
    await waitUntil(() => seen.leaf[0]?.stored !== undefined)
    expect(seen.leaf[0]?.reason).toMatchObject({ code: 'CANCELLED' })
    expect(seen.leaf[0]?.stored).toMatchObject({ code: 'CANCELLED' })
    expect(await leafStore.collection('leaf', notes.spec).get('late-1')).toBeUndefined()
    await waitUntil(() => seen.mid[0]?.reason !== undefined)
    expect(seen.mid[0]?.reason).toMatchObject({ code: 'CANCELLED' })
  })

  it('answers 504 at the deadline while the last hop still works, and gives that work up', async () => {
    const url = await startChain({ REQUEST_TIMEOUT_MS: '400' })
    leafWaits = true
    const sent = Date.now()
    const res = await fetch(`${url}/chain`)
    const took = Date.now() - sent
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ error: { code: 'DEADLINE_EXCEEDED' } })
    expect(took).toBeLessThan(1_000)
    await waitUntil(() => seen.leaf[0]?.stored !== undefined)
    // The leaf hears it either from its own deadline or from the cancel of its caller.
    expect(['DEADLINE_EXCEEDED', 'CANCELLED']).toContain(
      (seen.leaf[0]?.stored as { code?: string } | undefined)?.code,
    )
  })

  it('refuses gRPC calls past the server’s in-flight limit with UNAVAILABLE, at once', async () => {
    const url = await startChain({ REQUEST_TIMEOUT_MS: '2000' }, { mid: { MAX_IN_FLIGHT: '2' } })
    leafWaits = true
    const sent = Date.now()
    const answers = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const res = await fetch(`${url}/chain`)
        const body = (await res.json()) as { error?: { code?: string } }
        return { status: res.status, code: body.error?.code, ms: Date.now() - sent }
      }),
    )
    // Two calls are in flight at the mid (they wait out their deadline at the leaf); it
    // refuses the other four before running them, and the edge answers those at once.
    const refused = answers.filter((a) => a.status === 503)
    expect(refused.length).toBe(4)
    expect(refused.every((a) => a.code === 'UNAVAILABLE' && a.ms < 1_000)).toBe(true)
    expect(answers.filter((a) => a.status === 504).length).toBe(2)
    leafWaits = false
    expect((await fetch(`${url}/chain`)).status).toBe(200)
  })
})

async function waitUntil(ok: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await sleep(10)
  }
}
