/**
 * `oms dlq ls` / `oms dlq replay`: parked messages. With the embedded bus they live in the
 * running oms process, reached over HTTP; with AMQP_URL set, in the broker, reached directly.
 */
import type { Command } from 'commander'
import type { ParkedMessage } from '../../ports/bus.ts'
import { httpDlq } from '../dlq/http-source.ts'
import type { DlqSource } from '../dlq/source.ts'
import { CliError, usageError } from '../errors.ts'
import { formatAge, formatTable, oneLine, printJson } from '../output.ts'
import { functionName } from '../select.ts'

export interface DlqOptions {
  /** A running oms process (default: http://127.0.0.1:$PORT, or the broker when AMQP_URL is set). */
  url?: string
  /** Only this consumer function's messages (`<domain>.<function>`). */
  fn?: string
  env?: Record<string, string | undefined>
}

export interface DlqReplayOptions extends DlqOptions {
  /** Replay only this message. */
  id?: string
  /** Replay every message (that matches `fn`); required when there is no `id`. */
  all?: boolean
}

async function openSource({ url, env }: DlqOptions): Promise<DlqSource> {
  const { loadConfig } = await import('../../config/load-configuration.ts')
  const config = loadConfig(env)
  if (!url && config.amqpUrl) {
    const [{ busDlq }, { stderrLogger }] = await Promise.all([
      import('../dlq/bus-source.ts'),
      import('../cli-log.ts'),
    ])
    return busDlq(config, stderrLogger(config.logLevel))
  }
  return httpDlq({ url: url ?? `http://127.0.0.1:${config.port}`, adminToken: config.adminToken })
}

async function withSource<T>(
  options: DlqOptions,
  use: (source: DlqSource) => Promise<T>,
): Promise<T> {
  const source = await openSource(options)
  try {
    return await use(source)
  } finally {
    await source.close()
  }
}

/** The parked messages, oldest first. */
export async function dlqList(options: DlqOptions = {}): Promise<ParkedMessage[]> {
  const fn = options.fn ? functionName(options.fn) : undefined
  return withSource(options, (source) => source.parked(fn))
}

/** Sends parked messages back to their consumer's queue; returns how many. */
export async function dlqReplay(options: DlqReplayOptions): Promise<number> {
  if (options.id && options.all) throw usageError('pass either --id or --all, not both')
  if (!options.id && !options.all)
    throw usageError('pass --id <id> to replay one message, or --all')
  const fn = options.fn ? functionName(options.fn) : undefined
  return withSource(options, (source) => source.replay({ fn, id: options.id }))
}

export function formatParked(messages: readonly ParkedMessage[], now = Date.now()): string {
  if (messages.length === 0) return 'no parked messages'
  const rows = messages.map((m) => [
    m.id,
    m.consumer,
    m.event,
    oneLine(m.error, 60),
    String(m.tries),
    formatAge(now - Date.parse(m.parkedAt)),
  ])
  return formatTable(['ID', 'FUNCTION', 'EVENT', 'ERROR', 'TRIES', 'AGE'], rows)
}

const WHERE_HELP = `
With the embedded bus, parked messages live inside the running \`oms dev\` / \`oms start\`
process, which must serve HTTP; the CLI asks it at --url (default http://127.0.0.1:$PORT,
PORT defaulting to 8080). From another host, set ADMIN_TOKEN to the process's token.
With AMQP_URL set (and no --url), the CLI asks the broker directly.`

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('list and replay parked (dead-lettered) messages')
  dlq.addHelpText('after', WHERE_HELP)

  dlq
    .command('ls')
    .description('list parked messages: id, function, event, error, tries, age')
    .option('--function <name>', 'only this consumer function (<domain>.<function>)')
    .option('--json', 'print the messages as JSON, bodies and headers included')
    .option('--url <url>', 'a running oms process (default http://127.0.0.1:$PORT)')
    .addHelpText(
      'after',
      `${WHERE_HELP}

Examples:
  $ oms dlq ls
  $ oms dlq ls --function <domain>.<function> --json
  $ oms dlq ls --url http://127.0.0.1:9090`,
    )
    .action(async (opts: { function?: string; json?: boolean; url?: string }) => {
      const messages = await dlqList({ url: opts.url, fn: opts.function })
      if (opts.json) printJson(messages)
      else process.stdout.write(`${formatParked(messages)}\n`)
    })

  dlq
    .command('replay')
    .description("send parked messages back to their function's queue")
    .option('--function <name>', 'only this consumer function')
    .option(
      '--id <id>',
      'only the message with this id (see oms dlq ls); each function has its own copy',
    )
    .option('--all', 'every parked message (of --function, if given)')
    .option('--url <url>', 'a running oms process (default http://127.0.0.1:$PORT)')
    .addHelpText(
      'after',
      `
Exits 1 when --id names no parked message.
${WHERE_HELP}

Examples:
  $ oms dlq replay --id 5f0c2a52-9a43-4c47-a0f8-3b3c1d0e4a11
  $ oms dlq replay --function <domain>.<function> --all
  $ oms dlq replay --all`,
    )
    .action(async (opts: { function?: string; id?: string; all?: boolean; url?: string }) => {
      const replayed = await dlqReplay({
        url: opts.url,
        fn: opts.function,
        id: opts.id,
        all: opts.all,
      })
      process.stdout.write(`replayed ${replayed} message${replayed === 1 ? '' : 's'}\n`)
      if (opts.id && replayed === 0) throw new CliError(`no parked message with id ${opts.id}`)
    })
}
