import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { DomainError } from '../../shared/errors.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { RetryLater } from '../model/retry-later.ts'
import { topic } from '../model/topic.ts'
import { PoisonMessageError } from '../ports/bus.ts'
import { opsInvokeRoutes } from './ops-invoke-routes.ts'

const TOKEN = 'ops-admin-token-123456'
const auth = { authorization: `Bearer ${TOKEN}` }
const post = (body: unknown, headers: Record<string, string> = auth) => ({
  method: 'POST',
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
})

const thing = topic('test-ops.thing-happened', z.object({ eventId: z.string(), size: z.int() }))

function routes(invoke: (name: string, input: unknown) => Promise<unknown>, bus = memoryBus()) {
  return opsInvokeRoutes({
    functions: ['test.echo'],
    invoke,
    bus,
    adminToken: TOKEN,
  })
}

describe('the operator invoke and publish routes', () => {
  it('answer only the admin token (or loopback callers under oms dev), as the other ops routes', async () => {
    const app = routes(async (_, input) => input)
    expect((await app.request('/_oms/invoke/test.echo', post({}, {}))).status).toBe(404)
    const wrong = await app.request(
      '/_oms/invoke/test.echo',
      post({}, { authorization: 'Bearer x' }),
    )
    expect(wrong.status).toBe(404)
    const right = await app.request('/_oms/invoke/test.echo', post({ a: 1 }))
    expect(await right.json()).toEqual({ result: { a: 1 } })
    const dev = opsInvokeRoutes({
      functions: [],
      invoke: async () => 1,
      bus: memoryBus(),
      trustLoopback: true,
    })
    expect((await dev.request('/_oms/publish', post({}, {}))).status).toBe(400)
  })

  it('run a hosted function and answer each outcome with its status', async () => {
    const cases: [Error, number, string][] = [
      [new DomainError('NOT_FOUND', 'no such thing'), 404, 'domain-error'],
      [new RetryLater('not yet'), 503, 'retry-later'],
      [new PoisonMessageError('x body fails its schema: a: bad'), 400, 'invalid-event'],
      [new Error('boom'), 500, 'failed'],
    ]
    for (const [err, status, kind] of cases) {
      const res = await routes(() => Promise.reject(err)).request(
        '/_oms/invoke/test.echo',
        post({}),
      )
      expect(res.status).toBe(status)
      expect((await res.json()).outcome).toMatchObject({ kind, message: err.message })
    }
    const unknown = await routes(async () => 1).request('/_oms/invoke/test.other', post({}))
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.details).toEqual({ hosted: ['test.echo'] })
    const notJson = await routes(async () => 1).request('/_oms/invoke/test.echo', post('{'))
    expect(notJson.status).toBe(400)
  })

  it('publish an event checked against its topic; refuse one that fails it, naming the field', async () => {
    const bus = memoryBus()
    const seen: string[] = []
    await bus.subscribe(
      { consumer: 'test.spy', event: thing.name, prefetch: 1, retryDelaysMs: [] },
      async (d) => {
        seen.push(d.body)
      },
    )
    const app = routes(async () => 1, bus)
    const ok = await app.request(
      '/_oms/publish',
      post({ event: thing.name, data: { eventId: 'e1', size: 2 } }),
    )
    expect(await ok.json()).toEqual({ published: thing.name, eventId: 'e1' })
    const bad = await app.request(
      '/_oms/publish',
      post({ event: thing.name, data: { eventId: 'e2', size: 'big' } }),
    )
    expect(bad.status).toBe(400)
    const { error } = await bad.json()
    expect(error.message).toMatch(/^invalid test-ops\.thing-happened event: size: /)
    expect(error.details.issues[0].path).toBe('size')
    const unknown = await app.request('/_oms/publish', post({ event: 'test-ops.nope', data: {} }))
    expect(unknown.status).toBe(404)
    expect((await unknown.json()).error.details.events).toContain(thing.name)
    await expect.poll(() => seen.length).toBe(1)
    expect(JSON.parse(seen[0] as string)).toEqual({ eventId: 'e1', size: 2 })
    await bus.close()
  })
})
