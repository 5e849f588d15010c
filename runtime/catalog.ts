/**
 * Finds the functions: every `functions/<domain>/<name>.ts` whose default export is a
 * function definition (helpers live in sub-folders, tests end in .test.ts).
 */
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isFunctionDef, type LoadedFunction } from './model/define.ts'

export const FUNCTIONS_DIR = resolve(fileURLToPath(new URL('../functions', import.meta.url)))

/** Lists `domain.name` of every function file without importing it. */
export async function listFunctionFiles(
  dir = FUNCTIONS_DIR,
): Promise<{ name: string; domain: string; file: string }[]> {
  const found: { name: string; domain: string; file: string }[] = []
  for (const domain of (await readdir(dir, { withFileTypes: true })).filter((d) =>
    d.isDirectory(),
  )) {
    for (const entry of await readdir(join(dir, domain.name), { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts'))
        continue
      const base = entry.name.slice(0, -'.ts'.length)
      found.push({
        name: `${domain.name}.${base}`,
        domain: domain.name,
        file: join(dir, domain.name, entry.name),
      })
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

/** Does `name`/`domain` match a selector: a domain (`orders`) or a function (`orders.create-order` or `orders/create-order`)? */
export function matches(selector: string, fn: { name: string; domain: string }): boolean {
  const s = selector.replace('/', '.')
  return s === fn.domain || s === fn.name
}

/** Imports the functions picked by the selectors (all when none). Unknown selectors throw. */
export async function loadFunctions(
  selectors: readonly string[] = [],
  dir = FUNCTIONS_DIR,
): Promise<LoadedFunction[]> {
  const files = await listFunctionFiles(dir)
  for (const s of selectors) {
    if (!files.some((f) => matches(s, f))) {
      throw new Error(`no function or domain named "${s}" (see oms ls)`)
    }
  }
  const picked =
    selectors.length === 0 ? files : files.filter((f) => selectors.some((s) => matches(s, f)))
  const loaded: LoadedFunction[] = []
  for (const f of picked) {
    const mod = (await import(pathToFileURL(f.file).href)) as { default?: unknown }
    if (isFunctionDef(mod.default))
      loaded.push({ name: f.name, domain: f.domain, def: mod.default })
  }
  return loaded
}
