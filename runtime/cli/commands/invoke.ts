/**
 * `oms invoke <function>`: runs one function once with a payload, as its trigger would. With
 * --url, inside that running process (its store, bus and state), through its operator route;
 * without, in a fresh runtime of this process with every function loaded, so its gRPC calls
 * reach in-process handlers (nothing listens). A handler's failure prints as one line.
 */
import type { Command } from 'commander'
import { usageError, wantsStacks } from '../errors.ts'
import { type ErrorBody, failed, opsClient } from '../ops-client.ts'
import { formatOutcome, OUTCOME_EXIT, type Outcome, outcomeOf } from '../outcome.ts'
import { printJson } from '../output.ts'
import { type InputSource, readInput } from '../read-input.ts'
import { functionName } from '../select.ts'
import { runsPrebuilt, typescriptReady } from '../typescript.ts'

export interface InvokeOptions extends InputSource {
  /** The function, `domain.name` or `domain/name`. */
  name: string
  /** A running oms process to invoke it in (its base URL). */
  url?: string
  /** Write the function's log lines (LOG_LEVEL, default info); else only errors, unless LOG_LEVEL is set. */
  verbose?: boolean
  env?: Record<string, string | undefined>
}

/** The result, or what the handler's failure means (retry later, invalid event, domain error, failure). */
export type InvokeOutcome = { ok: true; result: unknown } | { ok: false; outcome: Outcome }

/** Invokes the function in a fresh runtime of this process; a handler's failure is an outcome. */
export async function invokeFunction(options: InvokeOptions): Promise<InvokeOutcome> {
  const input = await readInput(options)
  const env = options.env ?? process.env
  await typescriptReady()
  const [{ loadFunctions }, { loadConfig }, { createRuntime }, { stderrLogger }] =
    await Promise.all([
      import('../../catalog.ts'),
      import('../../config/load-configuration.ts'),
      import('../../host.ts'),
      import('../cli-log.ts'),
    ])
  const { logLevel } = loadConfig(env)
  const name = functionName(options.name)
  const functions = await loadFunctions()
  if (!functions.some((fn) => fn.name === name)) {
    throw usageError(`no function named "${options.name}" (see oms ls)`)
  }
  // The outcome line says what happened; the function's own lines are for --verbose or LOG_LEVEL.
  const level = options.verbose || env.LOG_LEVEL ? logLevel : 'error'
  const runtime = await createRuntime({
    functions,
    env,
    listen: false,
    log: stderrLogger(level),
  })
  try {
    return { ok: true, result: await runtime.invoke(name, input) }
  } catch (err) {
    return { ok: false, outcome: outcomeOf(err) }
  } finally {
    await runtime.stop()
  }
}

/** Invokes the function inside the running process at `url` (POST /_oms/invoke/:function). */
export async function invokeRemote(
  options: InvokeOptions & { url: string; adminToken?: string },
): Promise<InvokeOutcome> {
  const input = await readInput(options)
  const name = functionName(options.name)
  const client = opsClient({ url: options.url, adminToken: options.adminToken })
  const path = `/_oms/invoke/${encodeURIComponent(name)}`
  const answer = await client.post<{ result?: unknown; outcome?: Outcome } & ErrorBody>(path, input)
  if (answer.status === 200) return { ok: true, result: answer.body.result }
  if (answer.body?.outcome) return { ok: false, outcome: answer.body.outcome }
  if (answer.status === 404) {
    const hosted = (answer.body.error?.details as { hosted?: string[] } | undefined)?.hosted ?? []
    const list = hosted.length <= 8 ? `: ${hosted.join(', ') || 'none'}` : '; see oms ls'
    throw usageError(`${client.base} does not host ${name} (it hosts ${hosted.length}${list})`)
  }
  return failed(client, path, answer)
}

export function registerInvoke(program: Command): void {
  const invoke = program
    .command('invoke')
    .description('run one function once with a JSON payload and print its result')
    .argument('<function>', 'the function, <domain>.<name> or <domain>/<name> (see oms ls)')
    .option('-d, --data <json>', 'the payload as inline JSON')
    .option('-f, --file <path>', 'read the payload from a JSON file (- for stdin)')
    .option(
      '--url <url>',
      'run it inside the running oms process at <url> (its store, bus and state), e.g. http://127.0.0.1:8080',
    )
    .addHelpText(
      'after',
      `
The payload is what the trigger would deliver:
  gRPC      the request message, e.g. {"ids": ["x"]}
  consumer  the event body (checked against the event's schema; see oms events sample)
  worker    the event body
  HTTP      {"method", "path", "headers", "body"}; prints {"status", "body"}

Without --url, the function runs in a fresh runtime in this process (embedded store and bus
unless their variables are set). With --url it runs inside that process, which must serve
HTTP; from another host, set ADMIN_TOKEN to the process's token (under oms dev, callers on
its host need none).

Prints the result as JSON and exits 0. A failure prints one line on stderr:
  <function>: <CODE>: <message>        a domain error (its JSON shape on stdout), exit 1
  <function>: invalid <event> event: <field>: <message>              exit 2
  <function>: retry later — <reason>   the handler's RetryLater, exit 75
  <function> failed: <error>           anything else, exit 1 (--verbose: the stack)
Invalid JSON exits 2. Without --url the function's log lines are written only with --verbose
or LOG_LEVEL set.

Examples:
  $ oms invoke <domain>.<grpc-function> --data '{"id": "x"}'
  $ oms invoke <domain>.<http-function> --data '{"method": "GET", "path": "/healthz"}'
  $ oms events sample <event> > event.json && oms invoke <domain>.<consumer> --file event.json
  $ oms invoke <domain>.<consumer> --file event.json --url http://127.0.0.1:8080`,
    )
    .action(async (name: string, opts: { data?: string; file?: string; url?: string }, cmd) => {
      const { verbose } = (cmd as Command).optsWithGlobals<{ verbose?: boolean }>()
      const options = { name, data: opts.data, file: opts.file, verbose }
      const outcome = opts.url
        ? await invokeRemote({ ...options, url: opts.url, adminToken: process.env.ADMIN_TOKEN })
        : await invokeFunction(options)
      if (outcome.ok) {
        printJson(outcome.result)
        return
      }
      const fn = functionName(name)
      if (outcome.outcome.kind === 'domain-error') {
        const { code, message, details } = outcome.outcome
        printJson({ error: { code, message, ...(details !== undefined && { details }) } })
      }
      process.stderr.write(
        `oms: ${formatOutcome(fn, outcome.outcome, { stack: wantsStacks(verbose) })}\n`,
      )
      process.exitCode = OUTCOME_EXIT[outcome.outcome.kind]
    })
  // --url needs no runtime here: the TypeScript loader is registered only without it.
  runsPrebuilt(invoke)
}
