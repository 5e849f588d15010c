/**
 * `oms start <function|domain>... | --all`: hosts a set of functions in this process, as one
 * container does, until SIGTERM or SIGINT; then stops gracefully within a bound.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Command } from 'commander'
import { loadFunctions } from '../../catalog.ts'
import type { Env } from '../../config/load-settings.ts'
import type { Runtime } from '../../host.ts'
import type { LoadedFunction } from '../../model/define.ts'
import { CliError, usageError } from '../errors.ts'
import { checkSelectors } from '../select.ts'
import { STOP_TIMEOUT_MS } from '../shutdown.ts'

export interface StartOptions {
  /** Functions (`<domain>.<name>`) or domains to host; empty with `all`. */
  selectors: readonly string[]
  all?: boolean
  /** Environment to read the configuration from (default: process.env). */
  env?: Env
}

/** Checks the options and loads the selected functions. */
async function prepare(options: StartOptions): Promise<LoadedFunction[]> {
  const { selectors, all = false } = options
  if (all && selectors.length > 0)
    throw usageError('pass either function or domain names, or --all, not both')
  if (!all && selectors.length === 0)
    throw usageError('name the functions or domains to host, or pass --all')
  await checkSelectors(selectors)
  const functions = await loadFunctions(selectors)
  if (functions.length === 0) {
    throw new CliError(
      'no functions to host: no file under functions/ exports a function definition yet',
    )
  }
  return functions
}

const asCliError = (err: unknown) =>
  err instanceof Error && err.message.startsWith('cannot listen') ? new CliError(err.message) : err

/**
 * Runs a bundle in this process: its entry hosts its functions until SIGTERM / SIGINT and sets
 * the exit code itself. One bundle per process, as in a container.
 */
async function runBundle(dir: string, selectors: readonly string[]): Promise<void> {
  const [name, ...more] = selectors
  if (!name || more.length > 0)
    throw usageError('--dist runs one bundle: name one function or domain')
  const file = resolve(dir, `${name.replace('/', '.')}.mjs`)
  if (!existsSync(file)) throw new CliError(`no bundle ${file}: run oms build first`)
  await import(pathToFileURL(file).href)
  // The bundle's entry keeps the process alive until it is stopped.
  await new Promise<never>(() => {})
}

/** The command's action: start, print the banner, wait for a signal, stop. Returns the exit code. */
export async function runStart(options: StartOptions): Promise<number> {
  const functions = await prepare(options)
  const { serve } = await import('../../serve.ts')
  try {
    return await serve(functions, options.env, (runtime) =>
      warnAboutPeers(runtime, options.all ? ['--all'] : options.selectors),
    )
  } catch (err) {
    throw asCliError(err)
  }
}

/** One line per function the hosted domains call that no process here or in the registry serves. */
async function warnAboutPeers(runtime: Runtime, selectors: readonly string[]): Promise<void> {
  try {
    const { formatPeerWarnings, peersOf, unreachablePeers } = await import('../peers.ts')
    const hosted = new Set(runtime.functions.map((f) => f.name))
    const { registry } = runtime.adapters
    const missing = await unreachablePeers(peersOf(runtime.domains, hosted), registry)
    process.stderr.write(
      formatPeerWarnings(missing, { registry: registry.kind, hosted: selectors }),
    )
  } catch (err) {
    process.stderr.write(`oms: could not check the peers: ${(err as Error).message}\n`)
  }
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('host the named functions or domains in one process, as one container does')
    .argument(
      '[selectors...]',
      'functions (<domain>.<name> or <domain>/<name>) or domains (<domain>)',
    )
    .option('--all', 'host every function')
    .option(
      '--dist <dir>',
      'run the esbuild bundle of the one function or domain named, from <dir> (see oms build)',
    )
    .addHelpText(
      'after',
      `
Stops gracefully on SIGTERM or SIGINT: stops taking work, finishes what is in flight,
deregisters, and exits 0 (exit 1 if that takes more than ${STOP_TIMEOUT_MS / 1000}s).

Examples:
  $ oms start --all
  $ oms start <domain> <domain>
  $ PORT=9090 oms start <domain> <domain>.<function>
  $ oms build && oms start --dist dist <domain>    (what a container runs: node dist/<domain>.mjs)`,
    )
    .action(async (selectors: string[], opts: { all?: boolean; dist?: string }) => {
      if (opts.dist) return runBundle(opts.dist, selectors)
      process.exitCode = await runStart({ selectors, all: opts.all })
    })
}
