/**
 * A remote store's collection calls become CLIENT spans named after the collection and the
 * operation; the embedded store's collections stay bare. Publishing is a PRODUCER span whose
 * context travels in the message's headers.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orderPaid } from '../../shared/events.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import type { Delivery } from '../ports/bus.ts'
import type { Collection, CollectionSpec, Doc } from '../ports/documents.ts'
import { installTraceContext, recordingTracer } from './recording-tracer.ts'
import { tracedCollection, tracedPublisher } from './traced-ports.ts'

interface NoteDoc extends Doc {
  text: string
  n: number
}

const NOTES: CollectionSpec = { name: 'notes', indexes: [{ name: 'by_n', fields: [['n', 1]] }] }
const FN = 'billing.charge'

let uninstall: () => void
beforeAll(() => {
  uninstall = installTraceContext()
})
afterAll(() => uninstall())

/** A collection of an embedded store, and the same collection as a remote store's. */
async function notes(remote: boolean) {
  const { tracer, exporter } = recordingTracer()
  const embedded = memoryDocuments()
  await embedded.prepare('billing', [NOTES])
  const inner = embedded.collection<NoteDoc>('billing', NOTES)
  const store = remote ? { kind: 'mongodb', remote: true } : embedded
  const traced = tracedCollection(inner, store, 'billing', NOTES.name, tracer, FN)
  return { inner, traced, exporter }
}

describe('tracedCollection', () => {
  it("turns each call of a remote store's collection into a CLIENT span with db attributes", async () => {
    const { traced, exporter } = await notes(true)
    const calls: [string, (c: Collection<NoteDoc>) => Promise<unknown>, unknown][] = [
      ['insert', (c) => c.insert({ _id: 'n1', text: 'hello', n: 1 }), true],
      ['get', (c) => c.get('n1'), { _id: 'n1', text: 'hello', n: 1 }],
      [
        'find',
        (c) => c.find('by_n', { where: { n: { $gte: 1 } } }),
        [{ _id: 'n1', text: 'hello', n: 1 }],
      ],
      ['update', (c) => c.update('n1', { inc: { n: 1 } }), { _id: 'n1', text: 'hello', n: 2 }],
      ['pendingEvents', (c) => c.pendingEvents(), []],
      ['clearEvents', (c) => c.clearEvents('n1', []), undefined],
      ['delete', (c) => c.delete('n1'), true],
    ]
    for (const [op, call, answer] of calls) {
      exporter.reset()
      expect(await call(traced), op).toEqual(answer)
      const spans = exporter.getFinishedSpans()
      expect(spans.map((s) => s.name)).toEqual([`store billing.notes.${op}`])
      expect(spans[0]?.kind).toBe(2) // CLIENT
      expect(spans[0]?.attributes).toEqual({
        'db.system.name': 'mongodb',
        'db.collection.name': 'billing.notes',
        'db.operation.name': op,
        'faas.name': FN,
      })
    }
    expect(await traced.get('n1')).toBeUndefined()
  })

  it('records a failed call as an error span and passes the error on', async () => {
    const { traced, exporter } = await notes(true)
    await expect(traced.find('no_such_index')).rejects.toThrow()
    const [span, ...rest] = exporter.getFinishedSpans()
    expect(rest).toEqual([])
    expect(span?.name).toBe('store billing.notes.find')
    expect(span?.status.code).toBe(SpanStatusCode.ERROR)
  })

  it("leaves the embedded store's collection as it is: in-process calls are not spans", async () => {
    const { inner, traced, exporter } = await notes(false)
    expect(traced).toBe(inner)
    await traced.insert({ _id: 'n1', text: 'hello', n: 1 })
    expect(await traced.get('n1')).toEqual({ _id: 'n1', text: 'hello', n: 1 })
    expect(exporter.getFinishedSpans()).toEqual([])
  })
})

describe('tracedPublisher', () => {
  it('publishes in a PRODUCER span whose context travels in the headers', async () => {
    const { tracer, exporter } = recordingTracer()
    const bus = memoryBus()
    const delivered: Delivery[] = []
    const subscription = await bus.subscribe(
      { consumer: 'test.paid', event: orderPaid.name, prefetch: 1, retryDelaysMs: [] },
      async (d) => void delivered.push(d),
    )
    try {
      const body = {
        eventId: 'o-1:paid',
        orderId: 'o-1',
        customerId: 'ann',
        occurredAt: new Date().toISOString(),
      }
      await tracedPublisher(bus, tracer, FN).publish(orderPaid, body, { 'x-note': 'kept' })

      const [span, ...rest] = exporter.getFinishedSpans()
      expect(rest).toEqual([])
      expect(span?.name).toBe('publish order.paid')
      expect(span?.kind).toBe(3) // PRODUCER
      expect(span?.attributes).toEqual({
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'order.paid',
        'messaging.message.id': 'o-1:paid',
        'faas.name': FN,
      })

      await expect.poll(() => delivered.length).toBe(1)
      const [d] = delivered
      expect(d?.messageId).toBe('o-1:paid')
      expect(JSON.parse(d?.body ?? '')).toEqual(body)
      expect(d?.headers['x-note']).toBe('kept')
      const { traceId, spanId } = span!.spanContext()
      expect(d?.headers.traceparent).toBe(`00-${traceId}-${spanId}-01`)
      expect(trace.getActiveSpan()).toBeUndefined()
    } finally {
      await subscription.close()
      await bus.close()
    }
  })
})
