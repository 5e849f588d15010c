/**
 * `oms publish <event> --data <json|@file|->`: publishes one event, checked against its topic's
 * schema. With --url (or, without AMQP_URL, the local process at http://127.0.0.1:$PORT) the
 * running process publishes it on its own bus (POST /_oms/publish); with AMQP_URL and no
 * --url, straight to the broker.
 */
import type { Command } from 'commander'
import { CliError, usageError } from '../errors.ts'
import { type ErrorBody, failed, opsClient } from '../ops-client.ts'
import { issuesLine } from '../outcome.ts'
import { type InputSource, readInput } from '../read-input.ts'
import { runsPrebuilt, typescriptReady } from '../typescript.ts'

export interface PublishOptions {
  event: string
  /** Inline JSON, `@<file>`, or `-` for stdin. */
  data: string
  url?: string
  env?: Record<string, string | undefined>
}

/** `--data`'s three forms, as readInput's sources. */
export function dataSource(data: string): InputSource {
  if (data === '-') return { file: '-' }
  if (data.startsWith('@')) return { file: data.slice(1) }
  return { data }
}

/** The first line of a topic's schema failure: `invalid <event> event: <field>: <message>; …`. */
function invalid(event: string, issues: readonly { path: PropertyKey[]; message: string }[]) {
  const text = issuesLine(issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`))
  return usageError(`invalid ${event} event: ${text}`)
}

/** Publishes; resolves with where it went and the event id. */
export async function publishEvent(
  options: PublishOptions,
): Promise<{ where: string; eventId: string }> {
  const env = options.env ?? process.env
  const data = await readInput(dataSource(options.data))
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw usageError('--data must be a JSON object: the event body (see oms events sample)')
  if (!options.url && env.AMQP_URL) return publishToBroker(options.event, data, env)
  const url = options.url ?? `http://127.0.0.1:${env.PORT || 8080}`
  const client = opsClient({ url, adminToken: env.ADMIN_TOKEN })
  const answer = await client.post<{ eventId?: string } & ErrorBody>('/_oms/publish', {
    event: options.event,
    data,
  })
  if (answer.status === 200) return { where: client.base, eventId: answer.body.eventId ?? '' }
  const message = answer.body?.error?.message
  if (answer.status === 400 && message) throw usageError(message)
  if (answer.status === 404 && message) throw usageError(`${client.base}: ${message}`)
  return failed(client, '/_oms/publish', answer)
}

async function publishToBroker(
  event: string,
  data: object,
  env: Record<string, string | undefined>,
): Promise<{ where: string; eventId: string }> {
  await typescriptReady()
  const [{ loadFunctions }, { declaredTopics }, { loadConfig }, { stderrLogger }] =
    await Promise.all([
      import('../../catalog.ts'),
      import('../../model/topic.ts'),
      import('../../config/load-configuration.ts'),
      import('../cli-log.ts'),
    ])
  // The functions' modules declare the topics.
  await loadFunctions()
  const topics = declaredTopics()
  const topic = topics.find((t) => t.name === event)
  if (!topic)
    throw usageError(
      `no event named "${event}" (events: ${topics.map((t) => t.name).join(', ')}; see oms events ls)`,
    )
  const parsed = topic.schema.safeParse(data)
  if (!parsed.success) throw invalid(event, parsed.error.issues)
  const body = parsed.data as { eventId?: unknown }
  if (typeof body.eventId !== 'string' || body.eventId === '')
    throw usageError(`invalid ${event} event: eventId: required`)
  const config = loadConfig(env)
  const { amqpBus } = await import('../../adapters/bus/amqp/amqp-bus.ts')
  const log = stderrLogger(config.logLevel)
  let bus: Awaited<ReturnType<typeof amqpBus>>
  try {
    bus = await amqpBus({
      url: config.amqpUrl as string,
      namespace: config.amqpNamespace,
      retryDelaysMs: config.retryDelaysMs,
      publishTimeoutMs: config.publishTimeoutMs,
      log: log.child({ adapter: 'rabbitmq' }),
    })
  } catch (err) {
    throw new CliError(`cannot reach the bus: ${(err as Error).message}`)
  }
  try {
    await bus.publish(topic.name, { ...body, eventId: body.eventId })
  } finally {
    await bus.close()
  }
  return { where: `RabbitMQ (namespace ${config.amqpNamespace})`, eventId: body.eventId }
}

export function registerPublish(program: Command): void {
  const publish = program
    .command('publish')
    .description('publish one event, checked against its schema, to the running system')
    .argument('<event>', 'the event (see oms events ls)')
    .requiredOption('-d, --data <json|@file|->', 'the body: inline JSON, @<file>, or - for stdin')
    .option('--url <url>', 'a running oms process, which publishes it on its own bus')
    .addHelpText(
      'after',
      `
Without --url: with AMQP_URL set, the event goes straight to RabbitMQ; otherwise to the oms
process at http://127.0.0.1:$PORT (PORT defaulting to 8080), whose embedded bus delivers it.
From another host, set ADMIN_TOKEN to the process's token. A body that fails the event's
schema is refused with the field and why (exit 2); nothing is published.

Examples:
  $ oms events sample <event> > event.json     # edit it, then
  $ oms publish <event> --data @event.json
  $ oms events sample <event> --set <noun>Id=<id> | oms publish <event> --data -
  $ oms publish <event> --data '{"eventId": "…", …}' --url http://127.0.0.1:9090`,
    )
    .action(async (event: string, opts: { data: string; url?: string }) => {
      const { where, eventId } = await publishEvent({ event, data: opts.data, url: opts.url })
      process.stdout.write(`published ${event} ${eventId} (${where})\n`)
    })
  runsPrebuilt(publish)
}
