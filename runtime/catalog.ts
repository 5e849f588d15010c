/**
 * Finds the functions and their domains: every `functions/<domain>/<name>.ts` whose default
 * export is a function definition made through `functions/<domain>/domain.ts`. Helpers live
 * in sub-folders; `domain.ts`, `data.ts` and `settings.ts` are the domain's declarations;
 * tests end in .test.ts. Everything the runtime knows of the domains comes from here.
 * Listing reads only folders; the CLI's prebuilt shell imports this module, so it imports
 * nothing heavy at its top.
 */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { typescriptReady } from './cli/typescript.ts'
import { isFunctionDef, type LoadedFunction } from './model/define.ts'
import type { AnyDomain } from './model/domain.ts'

export const FUNCTIONS_DIR = resolve(fileURLToPath(new URL('../functions', import.meta.url)))

/** Files of a domain folder that declare the domain rather than being functions. */
export const DECLARATION_FILES: ReadonlySet<string> = new Set([
  'domain.ts',
  'data.ts',
  'settings.ts',
])

export interface FunctionFile {
  name: string
  domain: string
  file: string
}

/** Lists `domain.name` of every function file without importing it. */
export async function listFunctionFiles(dir = FUNCTIONS_DIR): Promise<FunctionFile[]> {
  const found: FunctionFile[] = []
  for (const domain of (await readdir(dir, { withFileTypes: true })).filter((d) =>
    d.isDirectory(),
  )) {
    for (const entry of await readdir(join(dir, domain.name), { withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts'))
        continue
      if (DECLARATION_FILES.has(entry.name)) continue
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

/** The domain names under `dir`, from its folders (nothing imported). */
export async function listDomainNames(dir = FUNCTIONS_DIR): Promise<string[]> {
  return [...new Set((await listFunctionFiles(dir)).map((f) => f.domain))]
}

/** Does `name`/`domain` match a selector: a domain or a function (`<domain>.<name>` or `<domain>/<name>`)? */
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
  await typescriptReady()
  for (const f of picked) {
    const mod = (await import(pathToFileURL(f.file).href)) as { default?: unknown }
    if (isFunctionDef(mod.default))
      loaded.push(checked({ name: f.name, domain: f.domain, def: mod.default }))
  }
  return loaded
}

/** A function must be made through the domain of its folder. */
export function checked(fn: LoadedFunction): LoadedFunction {
  if (fn.def.domain.name !== fn.domain)
    throw new Error(
      `${fn.name} is made through domain ${fn.def.domain.name}, but lives in the folder of ${fn.domain}`,
    )
  return fn
}

/** The distinct domains of the functions; two different declarations of one name throw. */
export function domainsOf(functions: readonly LoadedFunction[]): AnyDomain[] {
  const byName = new Map<string, AnyDomain>()
  for (const { def } of functions) {
    const earlier = byName.get(def.domain.name)
    if (earlier && earlier !== def.domain)
      throw new Error(`domain ${def.domain.name} is declared twice`)
    byName.set(def.domain.name, def.domain)
  }
  return [...byName.values()]
}

/** Every domain under `dir`, from its `domain.ts` (for docs and `oms config`). */
export async function loadDomains(dir = FUNCTIONS_DIR): Promise<AnyDomain[]> {
  const domains: AnyDomain[] = []
  await typescriptReady()
  const { isDomain } = await import('./model/domain.ts')
  for (const name of await listDomainNames(dir)) {
    const file = join(dir, name, 'domain.ts')
    if (!existsSync(file)) throw new Error(`domain ${name} has no domain.ts`)
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
    const found = Object.values(mod).find(isDomain)
    if (!found) throw new Error(`${file} exports no domain (see runtime/model/domain.ts)`)
    domains.push(found)
  }
  return domains
}
