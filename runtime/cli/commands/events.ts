/**
 * `oms events ls`: every event (topic) the functions declare, with who consumes it.
 * `oms events sample <event>`: a valid example body, made from the topic's schema with fresh
 * ids and the current time, to edit and pass to `oms publish` or `oms invoke`.
 * Both read the catalog (catalog-cache.ts): nothing is loaded while no source changed.
 */
import type { Command } from 'commander'
import { catalog, type EventListing } from '../catalog-cache.ts'
import { usageError } from '../errors.ts'
import { formatTable, printJson, toJson } from '../output.ts'
import { sampleOf, setPath } from '../sample.ts'
import { runsPrebuilt } from '../typescript.ts'

/** The event named `name`; a usage error listing the known ones otherwise. */
export async function findEvent(name: string): Promise<EventListing> {
  const { events } = await catalog()
  const found = events.find((e) => e.name === name)
  if (!found)
    throw usageError(
      `no event named "${name}" (events: ${events.map((e) => e.name).join(', ') || 'none'}; see oms events ls)`,
    )
  return found
}

/** A new example body of the event, with `--set field=value` assignments applied. */
export async function sampleEvent(name: string, sets: readonly string[] = []): Promise<unknown> {
  let sample = sampleOf((await findEvent(name)).schema)
  for (const assignment of sets) {
    try {
      sample = setPath(sample, assignment)
    } catch (err) {
      throw usageError((err as Error).message)
    }
  }
  return sample
}

export function formatEvents(events: readonly EventListing[]): string {
  if (events.length === 0) return 'no events declared'
  const rows = events.map((e) => [
    e.name,
    Object.keys(e.schema.properties ?? {}).join(', '),
    e.consumers.join(', ') || '(none here)',
  ])
  return formatTable(['EVENT', 'FIELDS', 'DELIVERED TO'], rows)
}

const collect = (value: string, all: string[]) => [...all, value]

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('list the events and print valid examples of them')

  const ls = events
    .command('ls')
    .description('list every event with its fields and the functions it is delivered to')
    .option('--json', 'print JSON: [{name, schema, logKeys, consumers}] (schema: JSON Schema)')
    .action(async (opts: { json?: boolean }) => {
      const { events: listed } = await catalog()
      if (opts.json) printJson(listed)
      else process.stdout.write(`${formatEvents(listed)}\n`)
    })
  runsPrebuilt(ls)

  const sample = events
    .command('sample')
    .description("print a valid example of an event's body (fresh ids, the current time)")
    .argument('<event>', 'the event (see oms events ls)')
    .option(
      '--set <field=value>',
      'set a field (dotted path; JSON or text), repeatable',
      collect,
      [],
    )
    .option('--compact', 'print it on one line')
    .addHelpText(
      'after',
      `
Every field is filled, optional ones too; the body passes the event's own schema. Each run
makes a new event id, so consumers do not take it for one they handled.

Examples:
  $ oms events sample <event>
  $ oms events sample <event> --set <noun>Id=<a real id> > event.json
  $ oms publish <event> --data @event.json
  $ oms invoke <domain>.<consumer> --file event.json --url http://127.0.0.1:8080`,
    )
    .action(async (name: string, opts: { set: string[]; compact?: boolean }) => {
      const body = await sampleEvent(name, opts.set)
      process.stdout.write(`${opts.compact ? JSON.stringify(body) : toJson(body)}\n`)
    })
  runsPrebuilt(sample)
}
