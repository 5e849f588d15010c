/**
 * `oms start <function|domain>... | --all`: hosts a set of functions in this process, as one
 * container does, until SIGTERM or SIGINT; then stops gracefully within a bound.
 */
import type { Command } from 'commander'
import { loadFunctions } from '../../catalog.ts'
import { type AppConfig, loadConfig } from '../../config.ts'
import { createRuntime, type Runtime } from '../../host.ts'
import { formatBanner } from '../banner.ts'
import { CliError, EXIT_FAILURE, usageError } from '../errors.ts'
import { checkSelectors } from '../select.ts'
import { STOP_TIMEOUT_MS, shutdownRequested, stopWithin } from '../shutdown.ts'

export interface StartOptions {
  /** Functions (`orders.create-order`) or domains (`orders`) to host; empty with `all`. */
  selectors: readonly string[]
  all?: boolean
  /** Environment to read the configuration from (default: process.env). */
  env?: Record<string, string | undefined>
}

/** Loads the selected functions and starts a runtime for them; the caller stops it. */
export async function startFunctions(
  options: StartOptions,
): Promise<{ runtime: Runtime; config: AppConfig }> {
  const { selectors, all = false } = options
  if (all && selectors.length > 0)
    throw usageError('pass either function or domain names, or --all, not both')
  if (!all && selectors.length === 0)
    throw usageError('name the functions or domains to host, or pass --all')
  const config = loadConfig(options.env)
  await checkSelectors(selectors)
  const functions = await loadFunctions(selectors)
  if (functions.length === 0) {
    throw new CliError(
      'no functions to host: no file under functions/ exports a function definition yet',
    )
  }
  const runtime = await createRuntime({ config, functions })
  try {
    await runtime.start()
  } catch (err) {
    await runtime.stop().catch(() => {})
    throw describeStartError(err, config)
  }
  return { runtime, config }
}

function describeStartError(err: unknown, config: AppConfig): unknown {
  const code = (err as { code?: unknown } | null)?.code
  if (code === 'EADDRINUSE') {
    return new CliError(
      `cannot listen on ${config.host}:${config.port}: the address is in use (set PORT to another port)`,
    )
  }
  return err
}

/** The command's action: start, print the banner, wait for a signal, stop. Returns the exit code. */
export async function runStart(options: StartOptions): Promise<number> {
  const stopAsked = shutdownRequested()
  const { runtime, config } = await startFunctions(options)
  process.stderr.write(formatBanner(runtime, config))
  const reason = await stopAsked
  process.stderr.write(`oms: ${reason}: stopping (at most ${STOP_TIMEOUT_MS / 1000}s)\n`)
  if (await stopWithin(() => runtime.stop())) return 0
  process.stderr.write(`oms: did not stop within ${STOP_TIMEOUT_MS / 1000}s; exiting anyway\n`)
  return EXIT_FAILURE
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('host the named functions or domains in one process, as one container does')
    .argument(
      '[selectors...]',
      'functions (orders.create-order or orders/create-order) or domains (orders)',
    )
    .option('--all', 'host every function')
    .addHelpText(
      'after',
      `
Stops gracefully on SIGTERM or SIGINT: stops taking work, finishes what is in flight,
deregisters, and exits 0 (exit 1 if that takes more than ${STOP_TIMEOUT_MS / 1000}s).

Examples:
  $ oms start --all
  $ oms start orders stock
  $ PORT=9090 oms start gateway payments.stripe-webhook`,
    )
    .action(async (selectors: string[], opts: { all?: boolean }) => {
      process.exitCode = await runStart({ selectors, all: opts.all })
    })
}
