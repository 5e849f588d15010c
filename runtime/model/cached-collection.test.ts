import { describe, expect, it } from 'vitest'
import { memoryDocuments } from '../adapters/documents/memory/memory-documents.ts'
import type { Collection, Doc, DocumentStore } from '../ports/documents.ts'
import { cachedCollection } from './cached-collection.ts'

interface Item extends Doc {
  _id: string
  price: number
}

const SPEC = { name: 'items', indexes: [] }

/** Two views of one collection (two functions of a domain), their store reads counted. */
function setUp(ttlMs = 60_000) {
  const store: DocumentStore = memoryDocuments()
  const reads: string[] = []
  const counted = (): Collection<Item> => {
    const c = store.collection<Item>('menu', SPEC)
    return {
      ...c,
      get: (id) => {
        reads.push(id)
        return c.get(id)
      },
    }
  }
  const view = () => cachedCollection(counted(), store, 'menu.items', { ttlMs })
  return { store, reads, a: view(), b: view() }
}

describe('cachedCollection', () => {
  it('reads a document once for every function of the process, misses too', async () => {
    const { a, b, reads } = setUp()
    await a.insert({ _id: 'fries', price: 300 })
    expect(await a.get('fries')).toEqual({ _id: 'fries', price: 300 })
    expect(await b.get('fries')).toEqual({ _id: 'fries', price: 300 })
    expect(await a.get('nope')).toBeUndefined()
    expect(await b.get('nope')).toBeUndefined()
    expect(reads).toEqual(['fries', 'nope'])
  })

  it('drops a document at once when any function of the process writes it', async () => {
    const { a, b, reads } = setUp()
    await a.insert({ _id: 'fries', price: 300 })
    await b.get('fries')
    await a.update('fries', { set: { price: 350 } })
    expect((await b.get('fries'))?.price).toBe(350)
    await a.delete('fries')
    expect(await b.get('fries')).toBeUndefined()
    await b.insert({ _id: 'fries', price: 400 })
    expect((await a.get('fries'))?.price).toBe(400)
    expect(reads).toEqual(['fries', 'fries', 'fries', 'fries'])
  })

  it("shows another process's write once the entry is ttlMs old", async () => {
    const { a, store } = setUp(40)
    await a.insert({ _id: 'fries', price: 300 })
    await a.get('fries')
    // Another process: the same data, written past this process's cache.
    await store.collection<Item>('menu', SPEC).update('fries', { set: { price: 999 } })
    expect((await a.get('fries'))?.price).toBe(300)
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect((await a.get('fries'))?.price).toBe(999)
  })

  it('keeps nothing read while a write ran, and hands out copies', async () => {
    const { a, b, reads } = setUp()
    await a.insert({ _id: 'fries', price: 300 })
    // The read starts before the write and ends after it began: it may hold the old price.
    const [read] = await Promise.all([b.get('fries'), a.update('fries', { set: { price: 350 } })])
    expect(read).toBeDefined()
    expect((await b.get('fries'))?.price).toBe(350)
    const got = (await b.get('fries')) as Item
    got.price = 1
    expect((await a.get('fries'))?.price).toBe(350)
    expect(reads).toEqual(['fries', 'fries'])
  })

  it('is one cache per store: two runtimes in a process share nothing', async () => {
    const one = setUp()
    const two = setUp()
    await one.a.insert({ _id: 'fries', price: 300 })
    await one.a.get('fries')
    expect(await two.a.get('fries')).toBeUndefined()
  })
})
