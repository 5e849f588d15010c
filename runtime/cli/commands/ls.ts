/**
 * `oms ls`: every function with its domain and trigger, read from the function files
 * without starting anything. A file that fails to load is listed with its error.
 */
import { relative } from 'node:path'
import type { Command } from 'commander'
import { FUNCTIONS_DIR, listFunctionFiles, loadFunctions } from '../../catalog.ts'
import { triggerOf } from '../../model/define.ts'
import { formatTable, oneLine, printJson } from '../output.ts'
import { ROOT } from '../paths.ts'

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

/** Lists the functions under `dir`, importing each file on its own so one broken file hides nothing. */
export async function listFunctions(dir = FUNCTIONS_DIR): Promise<FunctionListing[]> {
  const listings: FunctionListing[] = []
  for (const f of await listFunctionFiles(dir)) {
    const base = { name: f.name, domain: f.domain, file: relative(ROOT, f.file) }
    try {
      const [loaded] = await loadFunctions([f.name], dir)
      listings.push(
        loaded
          ? { ...base, trigger: triggerOf(loaded.def) }
          : { ...base, error: 'default export is not a function definition' },
      )
    } catch (err) {
      listings.push({ ...base, error: err instanceof Error ? err.message : String(err) })
    }
  }
  return listings
}

export function formatListing(listings: readonly FunctionListing[]): string {
  if (listings.length === 0) return 'no functions under functions/ yet'
  const rows = listings.map((l) => [
    l.name,
    l.domain,
    l.trigger ?? `(not loaded: ${oneLine(l.error ?? '', 60)})`,
  ])
  return formatTable(['FUNCTION', 'DOMAIN', 'TRIGGER'], rows)
}

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list every function with its domain and trigger (starts nothing)')
    .option('--json', 'print JSON: [{name, domain, trigger, file, error?}]')
    .addHelpText(
      'after',
      `
Exits 1 when a function file fails to load (it is listed with its error).

Examples:
  $ oms ls
  $ oms ls --json | jq -r '.[] | select(.trigger == "http") | .name'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const listings = await listFunctions()
      if (opts.json) printJson(listings)
      else process.stdout.write(`${formatListing(listings)}\n`)
      if (listings.some((l) => l.error)) process.exitCode = 1
    })
}
