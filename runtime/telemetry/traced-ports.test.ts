/** Store calls become spans for a database store; the embedded store's calls stay bare. */
import { describe, expect, it } from 'vitest'
import { memoryStore } from '../adapters/store/memory-store.ts'
import type { Store } from '../ports/store.ts'
import { recordingTracer } from './recording-tracer.ts'
import { tracedStore } from './traced-ports.ts'

const tracer = () => recordingTracer()

describe('tracedStore', () => {
  it('wraps each repository call of a database store in a CLIENT span', async () => {
    const { tracer: t, exporter } = tracer()
    const inner = memoryStore()
    const database: Store = { ...inner, kind: 'mongodb' }
    const store = tracedStore(database, t, 'orders.get-order')
    expect(await store.orders.get('none')).toBeUndefined()
    const [span, ...rest] = exporter.getFinishedSpans()
    expect(rest).toEqual([])
    expect(span?.name).toBe('store orders.get')
    expect(span?.kind).toBe(2) // CLIENT
    expect(span?.attributes).toEqual({
      'db.system.name': 'mongodb',
      'db.operation.name': 'orders.get',
      'faas.name': 'orders.get-order',
    })
  })

  it('leaves the embedded store as it is: in-process calls are not spans', async () => {
    const { tracer: t, exporter } = tracer()
    const embedded = memoryStore()
    const store = tracedStore(embedded, t, 'orders.get-order')
    expect(store).toBe(embedded)
    await store.orders.get('none')
    expect(exporter.getFinishedSpans()).toEqual([])
  })
})
