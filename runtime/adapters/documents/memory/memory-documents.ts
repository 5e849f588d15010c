/**
 * The embedded document store: collections in process memory, optionally kept in a JSON file
 * (what `oms dev` uses, so its reloads keep the data). The file is rewritten shortly after
 * each change and on close, through a temporary file and a rename, so it is never half
 * written.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { CollectionSpec, Doc, DocumentStore, Json } from '../../../ports/documents.ts'
import { checkName } from '../port-checks.ts'
import { type MemoryCollection, memoryCollection } from './memory-collection.ts'

export interface MemoryDocumentsOptions {
  /** Keep the data in this JSON file (loaded at start). Default: memory only. */
  file?: string
  /** How long after a change the file is rewritten (default 50 ms). */
  saveDelayMs?: number
}

interface FileShape {
  version: 1
  collections: Record<string, Record<string, Json>[]>
}

function readFile(file: string): FileShape['collections'] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  const parsed = JSON.parse(text) as Partial<FileShape>
  if (parsed.version !== 1 || typeof parsed.collections !== 'object')
    throw new Error(`${file} is not an oms embedded store file`)
  return parsed.collections ?? {}
}

export function memoryDocuments({
  file,
  saveDelayMs = 50,
}: MemoryDocumentsOptions = {}): DocumentStore {
  const collections = new Map<string, MemoryCollection<Doc>>()
  const saved = file ? readFile(file) : {}
  let timer: NodeJS.Timeout | undefined

  const save = () => {
    timer = undefined
    if (!file) return
    const out: FileShape = { version: 1, collections: {} }
    for (const [key, c] of collections) out.collections[key] = c.dump()
    // Collections no process has opened this time are kept as they were.
    for (const [key, docs] of Object.entries(saved)) out.collections[key] ??= docs
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(out))
    renameSync(tmp, file)
  }
  const changed = file
    ? () => {
        timer ??= setTimeout(save, saveDelayMs)
      }
    : undefined

  const open = <D extends Doc>(namespace: string, spec: CollectionSpec) => {
    const key = `${namespace}.${spec.name}`
    let c = collections.get(key)
    if (!c) {
      checkName('namespace', namespace)
      checkName('collection', spec.name)
      c = memoryCollection<Doc>(spec, changed)
      c.load(saved[key] ?? [])
      collections.set(key, c)
    }
    return c as unknown as MemoryCollection<D>
  }

  return {
    kind: 'embedded',
    remote: false,
    async prepare(namespace, specs) {
      for (const spec of specs) open(namespace, spec)
    },
    collection: open,
    async ping() {},
    async close() {
      if (timer) clearTimeout(timer)
      if (file) save()
    },
  }
}
