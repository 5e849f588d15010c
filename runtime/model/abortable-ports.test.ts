/** The store and the bus refuse the work of a given-up call at once, sending nothing. */
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import type { Publisher } from '../ports/bus.ts'
import type { Collection, Doc } from '../ports/documents.ts'
import { abortableCollection, abortablePublisher } from './abortable-ports.ts'
import { Call } from './call.ts'
import { inCall } from './call-scope.ts'
import { topic } from './topic.ts'

interface Item extends Doc {
  n: number
}

/** A collection that counts the operations that reach it. */
function counted(c: Collection<Item>) {
  const reached: string[] = []
  const wrapped = Object.fromEntries(
    Object.entries(c).map(([name, op]) => [
      name,
      (...args: unknown[]) => {
        reached.push(name)
        return (op as (...a: unknown[]) => Promise<unknown>).apply(c, args)
      },
    ]),
  ) as unknown as Collection<Item>
  return { wrapped, reached }
}

async function collection() {
  const store = memoryDocuments()
  const spec = { name: 'items', indexes: [] }
  await store.prepare('test', [spec])
  return counted(store.collection<Item>('test', spec))
}

describe('an abortable collection', () => {
  it('runs every operation of a call going on, and of work outside any call', async () => {
    const { wrapped, reached } = await collection()
    const items = abortableCollection(wrapped)
    expect(await items.insert({ _id: 'a', n: 1 })).toBe(true)
    const call = new Call(Date.now() + 60_000)
    expect(await inCall(call, () => items.get('a'))).toEqual({ _id: 'a', n: 1 })
    expect(reached).toEqual(['insert', 'get'])
  })

  it('refuses each operation of a given-up call with its reason, sending none', async () => {
    const { wrapped, reached } = await collection()
    const items = abortableCollection(wrapped)
    const call = new Call(Infinity)
    call.abort('cancelled')
    await inCall(call, async () => {
      await expect(items.insert({ _id: 'b', n: 2 })).rejects.toMatchObject({ code: 'CANCELLED' })
      await expect(items.update('b', { inc: { n: 1 } })).rejects.toMatchObject({
        code: 'CANCELLED',
      })
      await expect(items.find('_id')).rejects.toMatchObject({ code: 'CANCELLED' })
    })
    // Past its deadline (as the sweep finds it).
    const late = new Call(Date.now() - 1)
    late.abort('deadline')
    await expect(inCall(late, () => items.delete('b'))).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    })
    expect(reached).toEqual([])
  })
})

describe('an abortable publisher', () => {
  it('refuses a given-up call’s publish, and still makes events', async () => {
    const sent: string[] = []
    const publisher: Publisher = {
      publish: async (t) => void sent.push(t.name),
      event: (t, body) => ({ topic: t.name, id: body.eventId, body: '{}', headers: {} }),
    }
    const happened = topic('thing.happened', z.object({ eventId: z.string() }))
    const bus = abortablePublisher(publisher)
    const call = new Call(Infinity)
    await inCall(call, () => bus.publish(happened, { eventId: 'e1' }))
    call.abort('stopping')
    await expect(
      inCall(call, () => bus.publish(happened, { eventId: 'e2' })),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' })
    expect(inCall(call, () => bus.event(happened, { eventId: 'e3' })).id).toBe('e3')
    expect(sent).toEqual(['thing.happened'])
  })
})
