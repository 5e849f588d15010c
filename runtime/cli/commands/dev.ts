/**
 * `oms dev`: every function (or the named ones) in one process on the embedded defaults, or
 * on real services when their variables are set; restarted when the code changes.
 */
import type { Command } from 'commander'
import { loadDomains } from '../../catalog.ts'
import { loadConfiguration } from '../../config/load-configuration.ts'
import { supervise } from '../dev/supervisor.ts'
import { DEBOUNCE_MS } from '../dev/watch.ts'
import { WATCHED_DIRS } from '../paths.ts'
import { checkSelectors } from '../select.ts'
import { runStart } from './start.ts'

export interface DevOptions {
  /** Functions or domains to host (default: all). */
  selectors: readonly string[]
  /** Restart on changes (default true). */
  watch?: boolean
}

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function runDev({ selectors, watch = true }: DevOptions): Promise<number> {
  const all = selectors.length === 0
  if (!watch) return runStart({ selectors, all })
  // Fail here, once, on what no code change can fix; the child reports the rest.
  await checkSelectors(selectors)
  loadConfiguration(await loadDomains())
  return supervise({ startArgs: all ? ['--all'] : selectors })
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run every function in one process, restarting when the code changes')
    .argument('[selectors...]', 'host only these functions or domains (default: all)')
    .option('--no-watch', 'do not restart on changes')
    .addHelpText(
      'after',
      `
Uses the embedded bus, store, registry and local checkout unless AMQP_URL, MONGODB_URI,
CONSUL_HTTP_ADDR or STRIPE_SECRET_KEY are set. Watches ${WATCHED_DIRS.join(', ')} and
restarts the process (gracefully) about ${DEBOUNCE_MS} ms after the last change. \`npm start\` runs this.

Examples:
  $ oms dev
  $ PORT=9090 oms dev
  $ oms dev <domain> <domain> --no-watch`,
    )
    .action(async (selectors: string[], opts: { watch: boolean }) => {
      process.exitCode = await runDev({ selectors, watch: opts.watch })
    })
}
