/**
 * Logging with pino; one root logger per process. Lines are JSON (one object a line) — or, on a
 * terminal, pretty: `time LEVEL function message id=… trace=…`, coloured, with the other fields
 * after (LOG_FORMAT forces either). Both are written synchronously, so nothing is lost at exit.
 */
import { type DestinationStream, type LoggerOptions, pino } from 'pino'
import { activeRequestId } from './http/request-scope.ts'
import type { Logger } from './ports/logger.ts'
import { activeIds } from './telemetry/telemetry.ts'

/** LOG_FORMAT: `pretty` or `json`; unset, pretty when the output is a terminal. */
export type LogFormat = 'pretty' | 'json'

/** Every line carries the trace and span it was written in, and the HTTP request it serves. */
function idsOfTheMoment(): Record<string, string> {
  const ids: Record<string, string> = activeIds() ?? {}
  const requestId = activeRequestId()
  return requestId === undefined ? ids : { ...ids, requestId }
}

export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    mixin: idsOfTheMoment,
  }
  return destination ? pino(options, destination) : pino(options)
}

/** The format to write in: the one asked for, else pretty on a terminal. */
export function logFormatFor(
  asked: LogFormat | undefined,
  output: { isTTY?: boolean } = process.stdout,
): LogFormat {
  return asked ?? (output.isTTY ? 'pretty' : 'json')
}

/** The process's logger on stdout, in the format asked for (or the terminal's). */
export async function processLogger(level: string, format?: LogFormat): Promise<Logger> {
  if (logFormatFor(format) === 'json') return createLogger(level)
  return createLogger(level, {}, await prettyStream(pino.destination({ fd: 1, sync: true })))
}

/** A field worth seeing at a glance: `<thing>Id` (what the line is about, the request). */
const isIdField = (name: string, value: unknown) =>
  /[a-z0-9]Id$/.test(name) && (typeof value === 'string' || typeof value === 'number')

/** The fields of an access line its pretty head shows. */
const ACCESS_FIELDS = ['method', 'path', 'route', 'status', 'code', 'ms']

/** What the head of a pretty line shows after the level: function, message, ids, trace. */
interface Head {
  fn?: string
  msg: string
  ids: string[]
}

/** Takes the head's fields out of a line's fields (they are not repeated after it). */
function takeHead(entry: Record<string, unknown>): Head {
  const head: Head = { msg: String(entry.msg ?? ''), ids: [] }
  if (typeof entry.fn === 'string') head.fn = entry.fn
  // An access line says it all in its head, with the path asked for rather than the route.
  if (typeof entry.route === 'string' && typeof entry.status === 'number' && 'ms' in entry) {
    const { method, path, route, status, code, ms } = entry
    head.msg = `${method} ${path ?? route} ${status}${code ? ` ${code}` : ''} ${ms} ms`
    for (const name of ACCESS_FIELDS) delete entry[name]
  }
  for (const [name, value] of Object.entries(entry))
    if (isIdField(name, value)) {
      head.ids.push(`${name}=${value}`)
      delete entry[name]
    }
  if (typeof entry.trace_id === 'string') head.ids.push(`trace=${entry.trace_id.slice(0, 8)}`)
  delete entry.fn
  delete entry.trace_id
  delete entry.span_id
  return head
}

/**
 * A stream turning pino's JSON lines into pretty ones (pino-pretty's formatting, loaded only
 * then) and writing each to `out` as it comes.
 */
export async function prettyStream(
  out: { write(text: string): unknown },
  { colorize }: { colorize?: boolean } = {},
): Promise<DestinationStream> {
  // Bundled by esbuild, a CommonJS package's exports may sit on `default`.
  type Module = { prettyFactory: typeof import('pino-pretty').prettyFactory }
  const loaded = (await import('pino-pretty')) as Module & { default?: Module }
  const prettyFactory = loaded.prettyFactory ?? loaded.default?.prettyFactory
  let head: Head = { msg: '', ids: [] }
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
    ...(colorize !== undefined && { colorize }),
    messageFormat: (_log, _key, _level, { colors }) =>
      [
        ...(head.fn ? [colors.magenta(head.fn)] : []),
        head.msg,
        ...(head.ids.length > 0 ? [colors.gray(head.ids.join(' '))] : []),
      ].join(' '),
  })
  return {
    write(line: string) {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line)
      } catch {
        out.write(line)
        return
      }
      head = takeHead(entry)
      out.write(prettify(entry))
    },
  }
}
