/**
 * The consumer binding: a delivery is checked against its topic, handled once per message id
 * (a redelivery is skipped), and `invoke` runs an event through the very same path — the same
 * schema check, the same handled-message record, a context carrying the message.
 */
import { afterEach, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { parseScrape } from '../../test/prometheus-text.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import { createRuntime, type Runtime } from '../host.ts'
import { createLogger } from '../log.ts'
import { domain } from '../model/domain.ts'
import { topic } from '../model/topic.ts'
import { PoisonMessageError, RESENT_HEADER } from '../ports/bus.ts'
import type { CollectionSpec, Doc, DocumentStore } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import { HANDLED_EVENTS, RUNTIME_NAMESPACE } from './handled-events.ts'

const thingHappened = topic(
  'thing.happened',
  z.object({ eventId: z.string(), thing: z.string() }),
  { logKeys: ['thing'] },
)
const seen: { thing: string; messageId: string; attempt: number }[] = []
const things = domain('things')
const onThing = things.consumer(thingHappened, async (event, ctx) => {
  seen.push({ thing: event.thing, messageId: ctx.message.id, attempt: ctx.message.attempt })
})

let runtime: Runtime | undefined
afterEach(async () => {
  await runtime?.stop()
  runtime = undefined
  seen.length = 0
})

const onThingAgain = things.consumer(
  thingHappened,
  async (event, ctx) => {
    seen.push({ thing: event.thing, messageId: ctx.message.id, attempt: ctx.message.attempt })
  },
  { idempotent: true },
)

async function host(
  listen: boolean,
  store: DocumentStore = memoryDocuments(),
  def: typeof onThing = onThing,
) {
  const adapters = {
    store,
    bus: memoryBus(),
    registry: (await import('../adapters/registry/static-registry.ts')).staticRegistry({}),
  }
  runtime = await createRuntime({
    functions: [{ name: 'things.on-thing', domain: 'things', def }],
    env: { LOG_LEVEL: 'silent', RETRY_DELAYS_MS: '10' },
    adapters,
    log: createLogger('silent'),
    listen,
  })
  await runtime.start()
  const marks = adapters.store.collection<{ _id: string; fn: string; messageId: string }>(
    RUNTIME_NAMESPACE,
    HANDLED_EVENTS,
  )
  return { adapters, marks }
}

const failing = things.consumer(thingHappened, async () => {
  throw new Error('the printer is on fire')
})

/** A logger keeping the warn lines it is given (and its children's). */
function recordingLogger(warned: { fields: Record<string, unknown>; message?: string }[]) {
  const quiet = () => {}
  const make = (bindings: Record<string, unknown>): Logger => ({
    debug: quiet,
    info: quiet,
    error: quiet,
    warn: ((fields: Record<string, unknown> | string, message?: string) => {
      if (typeof fields === 'string') warned.push({ fields: bindings, message: fields })
      else warned.push({ fields: { ...bindings, ...fields }, message })
    }) as Logger['warn'],
    child: (more) => make({ ...bindings, ...more }),
  })
  return make({})
}

/** Headers of a message its publisher says it may have sent before (the outbox relay's). */
const resent = { [RESENT_HEADER]: '1' }

describe('consumer binding', () => {
  it('says when it parks a message, naming the command that replays it', async () => {
    const warned: { fields: Record<string, unknown>; message?: string }[] = []
    const bus = memoryBus()
    runtime = await createRuntime({
      functions: [{ name: 'things.failing', domain: 'things', def: failing }],
      env: { LOG_LEVEL: 'silent', RETRY_DELAYS_MS: '5' },
      adapters: {
        store: memoryDocuments(),
        bus,
        registry: (await import('../adapters/registry/static-registry.ts')).staticRegistry({}),
      },
      log: recordingLogger(warned),
    })
    await runtime.start()
    await bus.publishRaw(
      'thing.happened',
      JSON.stringify({ eventId: 'e1', thing: 'receipt' }),
      {},
      'msg-1',
    )
    for (let i = 0; i < 100 && (await bus.parked()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10))
    const line = warned.find((w) => w.message?.startsWith('message parked'))
    expect(line?.message).toBe(
      'message parked; once fixed, replay it: oms dlq replay --function things.failing --id msg-1',
    )
    expect(line?.fields).toMatchObject({ fn: 'things.failing', messageId: 'msg-1', tries: 2 })
    expect(String(line?.fields.error)).toContain('the printer is on fire')
    // Each failure line names what the event is about (the topic's logKeys).
    const failed = warned.filter((w) => w.message === 'consumer failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const w of failed) expect(w.fields).toMatchObject({ thing: 'receipt', messageId: 'msg-1' })
    // And counts it: two failed tries (the second a retry), one message parked.
    const scrape = parseScrape(await (await fetch(runtime.bound.metricsUrl as string)).text())
    const consumer = { consumer: 'things.failing', event: 'thing.happened' }
    expect(scrape.value('oms_bus_consumed_total', { ...consumer, outcome: 'failed' })).toBe(2)
    expect(scrape.value('oms_bus_retried_total', consumer)).toBe(1)
    expect(scrape.value('oms_bus_parked_total', consumer)).toBe(1)
  })

  it('counts a redelivery it skips as a duplicate', async () => {
    const { adapters } = await host(true)
    const consumed = async (outcome: string) =>
      parseScrape(await (await fetch(runtime?.bound.metricsUrl as string)).text()).value(
        'oms_bus_consumed_total',
        { consumer: 'things.on-thing', outcome },
      )
    await adapters.bus.publish('thing.happened', { eventId: 'e9', thing: 'a' } as never)
    await expect.poll(() => consumed('ok')).toBe(1)
    await adapters.bus.publish('thing.happened', { eventId: 'e9', thing: 'a' } as never, resent)
    await expect.poll(() => consumed('duplicate')).toBe(1)
    expect(await consumed('ok')).toBe(1)
  })

  it('handles a delivered message once, skipping its redelivery', async () => {
    const { adapters, marks } = await host(true)
    await adapters.bus.publish('thing.happened', { eventId: 'e1', thing: 'a' } as never)
    await expect.poll(async () => (await marks.get('things.on-thing/e1')) !== undefined).toBe(true)
    await adapters.bus.publish('thing.happened', { eventId: 'e1', thing: 'a' } as never, resent)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(seen).toEqual([{ thing: 'a', messageId: 'e1', attempt: 1 }])
    expect(await marks.get('things.on-thing/e1')).toMatchObject({
      fn: 'things.on-thing',
      messageId: 'e1',
    })
  })

  it('reads no mark for a first delivery; a copy sent again unflagged reaches the (idempotent) handler', async () => {
    // The store, its reads of handled marks counted.
    const base = memoryDocuments()
    let reads = 0
    const store: DocumentStore = {
      ...base,
      collection: <D extends Doc>(namespace: string, spec: CollectionSpec) => {
        const c = base.collection<D>(namespace, spec)
        if (namespace !== RUNTIME_NAMESPACE) return c
        return {
          ...c,
          get: (id: string) => {
            reads += 1
            return c.get(id)
          },
        }
      },
    }
    const { adapters } = await host(true, store)
    // This test's own reads, past the count.
    const get = (id: string) => base.collection(RUNTIME_NAMESPACE, HANDLED_EVENTS).get(id)
    await adapters.bus.publish('thing.happened', { eventId: 'e4', thing: 'a' } as never)
    await expect.poll(async () => (await get('things.on-thing/e4')) !== undefined).toBe(true)
    await adapters.bus.publish('thing.happened', { eventId: 'e4', thing: 'a' } as never)
    await expect.poll(() => seen.length).toBe(2)
    expect(seen.map((s) => s.messageId)).toEqual(['e4', 'e4'])
    expect(await get('things.on-thing/e4')).toMatchObject({ messageId: 'e4' })
    expect(reads).toBe(0)
  })

  it('keeps no mark for a consumer declared idempotent, and runs it again on a redelivery', async () => {
    const { adapters, marks } = await host(true, memoryDocuments(), onThingAgain)
    await adapters.bus.publish('thing.happened', { eventId: 'e5', thing: 'a' } as never)
    await expect.poll(() => seen.length).toBe(1)
    await adapters.bus.publish('thing.happened', { eventId: 'e5', thing: 'a' } as never, resent)
    await expect.poll(() => seen.length).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await marks.get('things.on-thing/e5')).toBeUndefined()
  })

  it('runs an invoked event through the same path: schema, message context, handled record', async () => {
    const { marks } = await host(false)
    expect(await runtime?.invoke('things.on-thing', { eventId: 'e2', thing: 'b' })).toEqual({
      ok: true,
    })
    expect(seen).toHaveLength(1)
    const [call] = seen
    expect(call).toMatchObject({ thing: 'b', attempt: 1 })
    expect(call?.messageId).toMatch(/^invoke-/)
    expect(await marks.get(`things.on-thing/${call?.messageId}`)).toMatchObject({
      fn: 'things.on-thing',
    })
    await expect(runtime?.invoke('things.on-thing', { eventId: 'e3' })).rejects.toBeInstanceOf(
      PoisonMessageError,
    )
    expect(seen).toHaveLength(1)
  })
})
