/**
 * `oms config`: every environment variable the runtime and the domains declare, who reads it,
 * and its value here (secrets masked) — or, with --markdown, the README's configuration table.
 */
import type { Command } from 'commander'
import { loadDomains } from '../../catalog.ts'
import type { Env } from '../../config/load-settings.ts'
import { settingsTable } from '../../config/settings-table.ts'
import { formatTable, oneLine, printJson } from '../output.ts'

export interface VariableListing {
  env: string
  readBy: string[]
  secret: boolean
  /** The value in this environment (secrets masked), or undefined when unset. */
  value?: string
  whenSet: string
  whenUnset: string
}

/** The variables of the runtime and of every domain under functions/. */
export async function listVariables(env: Env = process.env): Promise<VariableListing[]> {
  const { describeSettings } = await import('../../config/load-configuration.ts')
  return describeSettings(await loadDomains()).map(({ setting: s, owners }) => {
    const raw = env[s.env]
    const set = raw !== undefined && raw !== ''
    return {
      env: s.env,
      readBy: owners,
      secret: s.secret,
      ...(set && { value: s.secret ? '***' : raw }),
      whenSet: s.whenSet,
      whenUnset: s.whenUnset,
    }
  })
}

/** The README's configuration table. */
export async function configMarkdown(): Promise<string> {
  const { describeSettings } = await import('../../config/load-configuration.ts')
  return settingsTable(describeSettings(await loadDomains()))
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('list every environment variable, who reads it and its value here')
    .option('--json', 'print JSON: [{env, readBy, secret, value?, whenSet, whenUnset}]')
    .option('--markdown', "print the README's configuration table")
    .addHelpText(
      'after',
      `
Each domain declares the variables it reads next to its code (functions/<domain>/settings.ts);
the runtime declares its own. All are optional; a bad value stops the process at start.

Examples:
  $ oms config
  $ oms config --json | jq -r '.[] | select(.value) | .env'`,
    )
    .action(async (opts: { json?: boolean; markdown?: boolean }) => {
      if (opts.markdown) return void process.stdout.write(`${await configMarkdown()}\n`)
      const variables = await listVariables()
      if (opts.json) return printJson(variables)
      const rows = variables.map((v) => [
        v.env,
        v.readBy.join(', '),
        v.value ?? `(unset: ${oneLine(v.whenUnset, 50)})`,
      ])
      process.stdout.write(`${formatTable(['VARIABLE', 'READ BY', 'VALUE'], rows)}\n`)
    })
}
