/**
 * `oms dev`: every function (or the named ones) in one process on the embedded defaults, or
 * on real services when their variables are set; reloaded, with its state, when the code
 * changes — once the change builds and type-checks.
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { WATCHED_DIRS } from '../paths.ts'

export interface DevOptions {
  /** Functions or domains to host (default: all). */
  selectors: readonly string[]
  /** Reload on changes (default true). */
  watch?: boolean
  /** Start from an empty store and bus. */
  fresh?: boolean
  /** Where the embedded store and bus are kept (default .oms/dev/state). */
  stateDir?: string
  /** Type-check changes before they go live (default true). */
  typeCheck?: boolean
}

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function runDev(options: DevOptions): Promise<number> {
  const { selectors, watch = true } = options
  const all = selectors.length === 0
  if (!watch) {
    const { runStart } = await import('./start.ts')
    return runStart({ selectors, all })
  }
  const [{ loadDomains }, { loadConfiguration }, { checkSelectors }, { supervise }] =
    await Promise.all([
      import('../../catalog.ts'),
      import('../../config/load-configuration.ts'),
      import('../select.ts'),
      import('../dev/supervisor.ts'),
    ])
  // Fail here, once, on what no code change can fix; the child reports the rest.
  await checkSelectors(selectors)
  loadConfiguration(await loadDomains())
  return supervise({
    selectors,
    fresh: options.fresh,
    typeCheck: options.typeCheck,
    ...(options.stateDir && { stateDir: resolve(options.stateDir) }),
  })
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run every function in one process, reloading it when the code changes')
    .argument('[selectors...]', 'host only these functions or domains (default: all)')
    .option('--no-watch', 'do not reload on changes')
    .option('--fresh', 'start from an empty store and bus (the kept ones are removed)')
    .option('--state <dir>', 'keep the embedded store and bus in <dir>', '.oms/dev/state')
    .option('--no-type-check', 'reload without checking types first')
    .addHelpText(
      'after',
      `
Uses the embedded bus, store, registry and local checkout unless AMQP_URL, MONGODB_URI,
CONSUL_HTTP_ADDR or STRIPE_SECRET_KEY are set. The embedded store and bus (queued and
parked messages) are kept in the --state folder across reloads and sessions.

Watches ${WATCHED_DIRS.join(', ')}. A change is built (esbuild) and its types checked
(TypeScript, incrementally) before it replaces the running build, in the same process, on
the same store and bus; an error is shown once and the last good build keeps serving. A
change of the runtime itself starts a new process. \`npm start\` runs this.

Examples:
  $ oms dev
  $ oms dev --fresh
  $ PORT=9090 oms dev
  $ oms dev <domain> <domain> --no-watch`,
    )
    .action(
      async (
        selectors: string[],
        opts: { watch: boolean; fresh?: boolean; state: string; typeCheck: boolean },
      ) => {
        process.exitCode = await runDev({
          selectors,
          watch: opts.watch,
          fresh: opts.fresh,
          stateDir: opts.state,
          typeCheck: opts.typeCheck,
        })
      },
    )
}
