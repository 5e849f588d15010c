/**
 * What `oms ls` and `oms events` show — every function with its trigger, every event with its
 * schema and consumers — kept in node_modules/.cache/oms/catalog.json, so they answer without
 * loading the functions. It is made again (catalog-build.ts, loading every function through the
 * TypeScript loader) whenever any source the functions may import changed: a file added,
 * removed, or of another size or time under functions/, shared/, runtime/ or proto/gen/, or
 * package-lock.json.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { ROOT } from './paths.ts'
import type { JsonSchema } from './sample.ts'
import { typescriptReady } from './typescript.ts'

export interface FunctionListing {
  name: string
  domain: string
  /** `http`, `grpc <Service>.<Method>`, `consumer <topic>`, `worker <topic>`; absent when it failed to load. */
  trigger?: string
  /** Path relative to the project root. */
  file: string
  /** Why the file is not a usable function, when it is not. */
  error?: string
}

export interface EventListing {
  /** The topic, e.g. `<noun>.<happened>`. */
  name: string
  /** Its body's JSON Schema. */
  schema: JsonSchema
  /** Fields its handlers' log lines carry. */
  logKeys: readonly string[]
  /** The functions it is delivered to: `<domain>.<function>` (consumers and workers). */
  consumers: string[]
}

export interface Catalog {
  functions: FunctionListing[]
  events: EventListing[]
}

/** The folders (and file) whose changes make the catalog again. */
export const CATALOG_SOURCES = ['functions', 'shared', 'runtime', 'proto/gen', 'package-lock.json']

export const CATALOG_FILE = join(ROOT, 'node_modules', '.cache', 'oms', 'catalog.json')

/** Size and time of every source file, hashed: equal fingerprints, same catalog. */
export function fingerprint(root = ROOT): string {
  const hash = createHash('sha256')
  for (const source of CATALOG_SOURCES) {
    const path = join(root, source)
    let files: string[]
    try {
      files = statSync(path).isDirectory()
        ? readdirSync(path, { recursive: true, encoding: 'utf8' }).map((f) => join(path, f))
        : [path]
    } catch {
      continue
    }
    for (const file of files.sort()) {
      if (/\.test\.ts$|[/\\]node_modules[/\\]/.test(file)) continue
      const s = statSync(file, { throwIfNoEntry: false })
      if (!s?.isFile()) continue
      hash.update(`${relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`)
    }
  }
  return hash.digest('hex')
}

function readCached(print: string): Catalog | undefined {
  try {
    const cached = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as {
      fingerprint?: string
      catalog?: Catalog
    }
    return cached.fingerprint === print ? cached.catalog : undefined
  } catch {
    return undefined
  }
}

function writeCached(print: string, catalog: Catalog): void {
  try {
    mkdirSync(dirname(CATALOG_FILE), { recursive: true })
    const tmp = `${CATALOG_FILE}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify({ fingerprint: print, catalog }))
    renameSync(tmp, CATALOG_FILE)
  } catch {
    // A read-only checkout: every listing loads the functions.
  }
}

/** The catalog of functions/, from the cache when no source changed since it was made. */
export async function catalog(): Promise<Catalog> {
  const print = fingerprint()
  const cached = readCached(print)
  if (cached) return cached
  await typescriptReady()
  const { buildCatalog } = await import('./catalog-build.ts')
  const built = await buildCatalog()
  // Only when nothing changed while it was made (an editor saving meanwhile).
  if (fingerprint() === print) writeCached(print, built)
  return built
}
