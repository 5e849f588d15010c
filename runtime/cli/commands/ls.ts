/**
 * `oms ls`: every function with its domain and trigger, without starting anything: from the
 * catalog (catalog-cache.ts), which loads the function files again only when a source changed.
 * A file that fails to load is listed with its error.
 */
import type { Command } from 'commander'
import { catalog, type FunctionListing } from '../catalog-cache.ts'
import { formatTable, oneLine, printJson } from '../output.ts'
import { runsPrebuilt } from '../typescript.ts'

export type { FunctionListing } from '../catalog-cache.ts'

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
  const ls = program
    .command('ls')
    .description('list every function with its domain and trigger (starts nothing)')
    .option('--json', 'print JSON: [{name, domain, trigger, file, error?}]')
    .addHelpText(
      'after',
      `
Exits 1 when a function file fails to load (it is listed with its error). The listing is
kept in node_modules/.cache/oms/ and made again when a source file changed.

Examples:
  $ oms ls
  $ oms ls --json | jq -r '.[] | select(.trigger == "http") | .name'`,
    )
    .action(async (opts: { json?: boolean }) => {
      const listings = (await catalog()).functions
      if (opts.json) printJson(listings)
      else process.stdout.write(`${formatListing(listings)}\n`)
      if (listings.some((l) => l.error)) process.exitCode = 1
    })
  runsPrebuilt(ls)
}
