/**
 * Makes the catalog `oms ls` and `oms events` show, by loading every function (loaded through
 * the TypeScript loader; catalog-cache.ts keeps the result until a source changes).
 */
import { relative } from 'node:path'
import * as z from 'zod'
import { FUNCTIONS_DIR, listFunctionFiles, loadFunctions } from '../catalog.ts'
import { type LoadedFunction, triggerOf } from '../model/define.ts'
import { declaredTopics, type Topic } from '../model/topic.ts'
import type { Catalog, EventListing, FunctionListing } from './catalog-cache.ts'
import { ROOT } from './paths.ts'
import type { JsonSchema } from './sample.ts'

/** Lists the functions under `dir`, importing each file on its own so one broken file hides nothing. */
export async function listFunctions(
  dir = FUNCTIONS_DIR,
  loaded: LoadedFunction[] = [],
): Promise<FunctionListing[]> {
  const listings: FunctionListing[] = []
  for (const f of await listFunctionFiles(dir)) {
    const base = { name: f.name, domain: f.domain, file: relative(ROOT, f.file) }
    try {
      const [fn] = await loadFunctions([f.name], dir)
      if (fn) loaded.push(fn)
      listings.push(
        fn
          ? { ...base, trigger: triggerOf(fn.def) }
          : { ...base, error: 'default export is not a function definition' },
      )
    } catch (err) {
      listings.push({ ...base, error: err instanceof Error ? err.message : String(err) })
    }
  }
  return listings
}

/** The topic's body as JSON Schema (what the sample is made from). */
export function schemaOf(topic: Topic): JsonSchema {
  const schema = z.toJSONSchema(topic.schema, { io: 'input', unrepresentable: 'any' })
  const { $schema: _, ...rest } = schema as Record<string, unknown>
  return rest as JsonSchema
}

/** Every topic the functions' modules declare, with the functions it is delivered to. */
export function listEvents(functions: readonly LoadedFunction[]): EventListing[] {
  const consumers = (name: string) =>
    functions
      .filter(({ def }) =>
        def.kind === 'consumer'
          ? def.topic.name === name
          : def.kind === 'worker' && def.options.on.name === name,
      )
      .map((fn) => fn.name)
  return declaredTopics().map((t) => ({
    name: t.name,
    schema: schemaOf(t),
    logKeys: t.logKeys,
    consumers: consumers(t.name),
  }))
}

export async function buildCatalog(dir = FUNCTIONS_DIR): Promise<Catalog> {
  const loaded: LoadedFunction[] = []
  const functions = await listFunctions(dir, loaded)
  return { functions, events: listEvents(loaded) }
}
