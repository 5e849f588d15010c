/** The embedded store kept in a file (what `oms dev` uses across reloads). */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CollectionSpec } from '../../../ports/documents.ts'
import { memoryDocuments } from './memory-documents.ts'

const ITEMS: CollectionSpec = {
  name: 'items',
  outbox: true,
  indexes: [{ name: 'by_n', fields: [['n', 1]] }],
}

interface Item {
  _id: string
  n: number
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oms-store-file-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('memoryDocuments with a file', () => {
  it('keeps documents, their events and their indexes across a close and a reopen', async () => {
    const file = join(dir, 'store.json')
    const first = memoryDocuments({ file })
    await first.prepare('shop', [ITEMS])
    const items = first.collection<Item>('shop', ITEMS)
    await items.insert({ _id: 'b', n: 2 })
    await items.insert({ _id: 'a', n: 1 }, { events: [{ topic: 'x.y', id: 'e1', body: '{}' }] })
    await items.update('b', { inc: { n: 5 } })
    await first.close()

    const second = memoryDocuments({ file })
    await second.prepare('shop', [ITEMS])
    const again = second.collection<Item>('shop', ITEMS)
    expect(await again.find('by_n')).toStrictEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 7 },
    ])
    expect(await again.pendingEvents()).toStrictEqual([
      { id: 'a', events: [{ topic: 'x.y', id: 'e1', body: '{}' }] },
    ])
    expect(await again.insert({ _id: 'a', n: 9 })).toBe(false)
    await second.close()
  })

  it('writes the file shortly after a change, whole (through a rename), without a close', async () => {
    const file = join(dir, 'store.json')
    const store = memoryDocuments({ file, saveDelayMs: 10 })
    const items = store.collection<Item>('shop', ITEMS)
    await items.insert({ _id: 'a', n: 1 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    const saved = JSON.parse(await readFile(file, 'utf8'))
    expect(saved.collections['shop.items']).toEqual([{ _id: 'a', n: 1 }])
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    await store.close()
  })

  it('keeps collections this process did not open, and refuses a file that is not a store', async () => {
    const file = join(dir, 'store.json')
    const first = memoryDocuments({ file })
    await first.collection<Item>('one', ITEMS).insert({ _id: 'a', n: 1 })
    await first.close()
    const second = memoryDocuments({ file })
    await second.collection<Item>('two', ITEMS).insert({ _id: 'b', n: 2 })
    await second.close()
    const third = memoryDocuments({ file })
    expect(await third.collection<Item>('one', ITEMS).get('a')).toStrictEqual({ _id: 'a', n: 1 })
    await third.close()

    await writeFile(file, '{"something": "else"}')
    expect(() => memoryDocuments({ file })).toThrow(/not an oms embedded store file/)
  })
})
