/**
 * Hosts a set of functions in this process until SIGTERM or SIGINT, then stops gracefully
 * within a bound: what `oms start` does, and what every esbuild bundle's entry does.
 */
import { formatBanner } from './cli/banner.ts'
import { shutdownRequested, stopBoundMs, stopWithin } from './cli/shutdown.ts'
import { ConfigError } from './config/config-error.ts'
import type { Env } from './config/load-settings.ts'
import { createRuntime, type Runtime } from './host.ts'
import type { LoadedFunction } from './model/define.ts'

/** Exit code when the process could not stop in time. */
export const EXIT_STOP_TIMEOUT = 1

/** Creates and starts a runtime for `functions`; the caller stops it. */
export async function startRuntime(
  functions: readonly LoadedFunction[],
  env: Env = process.env,
): Promise<Runtime> {
  const runtime = await createRuntime({ functions, env })
  try {
    await runtime.start()
  } catch (err) {
    await runtime.stop().catch(() => {})
    const { code, grpc } = (err ?? {}) as { code?: unknown; grpc?: unknown }
    if (code === 'EADDRINUSE' && grpc === true) throw err
    if (code === 'EADDRINUSE') {
      const { host, port } = runtime.config
      throw new Error(
        `cannot listen on ${host}:${port}: the address is in use (set PORT to another port)`,
      )
    }
    throw err
  }
  return runtime
}

/** Starts, prints the banner, waits for a stop signal, stops. Resolves with the exit code. */
export async function serve(
  functions: readonly LoadedFunction[],
  env: Env = process.env,
  /** Runs once the banner is out (`oms start` warns about peers it cannot reach). */
  started?: (runtime: Runtime) => Promise<void>,
): Promise<number> {
  const stopAsked = shutdownRequested()
  const runtime = await startRuntime(functions, env)
  process.stderr.write(formatBanner(runtime))
  await started?.(runtime)
  const reason = await stopAsked
  const boundMs = stopBoundMs(runtime.config.shutdownGraceMs)
  process.stderr.write(`oms: ${reason}: stopping (at most ${boundMs / 1000}s)\n`)
  if (await stopWithin(() => runtime.stop(), boundMs)) return 0
  process.stderr.write(`oms: did not stop within ${boundMs / 1000}s; exiting anyway\n`)
  return EXIT_STOP_TIMEOUT
}

/** The entry of a bundle: configuration from the environment, clear messages on failure. */
export async function serveBundle(functions: readonly LoadedFunction[]): Promise<void> {
  try {
    process.exitCode = await serve(functions)
  } catch (err) {
    process.stderr.write(
      `oms: ${err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)}\n`,
    )
    process.exitCode = 1
  }
  // Open handles (timers of closed clients) must not keep a stopped process alive.
  setTimeout(() => process.exit(), 100).unref()
}
