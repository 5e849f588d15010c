/**
 * `oms invoke <function>`: runs one function once with a payload, as its trigger would,
 * with every function loaded so its gRPC calls reach in-process handlers. Nothing listens.
 */
import type { Command } from 'commander'
import { type DomainError, isDomainError } from '../../../shared/errors.ts'
import { loadFunctions } from '../../catalog.ts'
import { loadConfig } from '../../config/load-configuration.ts'
import { createRuntime } from '../../host.ts'
import { stderrLogger } from '../cli-log.ts'
import { usageError } from '../errors.ts'
import { printJson } from '../output.ts'
import { type InputSource, readInput } from '../read-input.ts'
import { functionName } from '../select.ts'

export interface InvokeOptions extends InputSource {
  /** The function, `domain.name` or `domain/name`. */
  name: string
  env?: Record<string, string | undefined>
}

/** The result, or a domain error's JSON shape (`{"error": {"code", "message", "details"?}}`). */
export type InvokeOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: ReturnType<DomainError['toJSON']> }

/** Invokes the function; a DomainError is an outcome, any other error is thrown. */
export async function invokeFunction(options: InvokeOptions): Promise<InvokeOutcome> {
  const input = await readInput(options)
  const { logLevel } = loadConfig(options.env)
  const name = functionName(options.name)
  const functions = await loadFunctions()
  if (!functions.some((fn) => fn.name === name)) {
    throw usageError(`no function named "${options.name}" (see oms ls)`)
  }
  const runtime = await createRuntime({
    functions,
    env: options.env,
    listen: false,
    log: stderrLogger(logLevel),
  })
  try {
    return { ok: true, result: await runtime.invoke(name, input) }
  } catch (err) {
    if (isDomainError(err)) return { ok: false, error: err.toJSON() }
    throw err
  } finally {
    await runtime.stop()
  }
}

export function registerInvoke(program: Command): void {
  program
    .command('invoke')
    .description('run one function once with a JSON payload and print its result')
    .argument('<function>', 'the function, <domain>.<name> or <domain>/<name> (see oms ls)')
    .option('-d, --data <json>', 'the payload as inline JSON')
    .option('-f, --file <path>', 'read the payload from a JSON file (- for stdin)')
    .addHelpText(
      'after',
      `
The payload is what the trigger would deliver:
  gRPC      the request message, e.g. {"ids": ["burger"]}
  consumer  the event body (checked against the event's schema)
  worker    the event body
  HTTP      {"method", "path", "headers", "body"}; prints {"status", "body"}

Prints the result as JSON and exits 0. A domain error prints its JSON error shape
({"error": {"code", "message"}}) and exits 1; invalid JSON exits 2.

Examples:
  $ oms invoke <domain>.<grpc-function> --data '{"id": "x"}'
  $ oms invoke <domain>.<http-function> --data '{"method": "GET", "path": "/healthz"}'
  $ oms invoke <domain>.<consumer> --file event.json`,
    )
    .action(async (name: string, opts: { data?: string; file?: string }) => {
      const outcome = await invokeFunction({ name, data: opts.data, file: opts.file })
      printJson(outcome.ok ? outcome.result : outcome.error)
      process.exitCode = outcome.ok ? 0 : 1
    })
}
