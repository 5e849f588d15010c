/** The headers the bus adds to messages, and reading them back. */
import { type Headers, RESENT_HEADER } from '../../../ports/bus.ts'

export const ATTEMPT = 'x-oms-attempt'
export const ERROR = 'x-oms-error'
export const FUNCTION = 'x-oms-function'
export const EVENT = 'x-oms-event'
export const TRIES = 'x-oms-tries'
export const PARKED_AT = 'x-oms-parked-at'
/** Time a message has waited after transient failures (not counted as tries). */
export const WAITED = 'x-oms-waited-ms'

const OWN = new Set([ATTEMPT, ERROR, FUNCTION, EVENT, TRIES, PARKED_AT, WAITED, RESENT_HEADER])

/** The application's headers (trace context and the like), as strings, without the bus's own. */
export function appHeaders(raw: Record<string, unknown> | undefined): Headers {
  const out: Headers = {}
  for (const [key, value] of Object.entries(raw ?? {})) {
    if (
      OWN.has(key) ||
      key.startsWith('x-death') ||
      key.startsWith('x-first-death') ||
      key.startsWith('x-last-death')
    )
      continue
    if (value !== undefined && value !== null)
      out[key] = Buffer.isBuffer(value) ? value.toString() : String(value)
  }
  return out
}

export function numberHeader(
  raw: Record<string, unknown> | undefined,
  key: string,
  fallback: number,
): number {
  const value = Number(raw?.[key])
  return Number.isInteger(value) && value > 0 ? value : fallback
}

export function stringHeader(
  raw: Record<string, unknown> | undefined,
  key: string,
): string | undefined {
  const value = raw?.[key]
  if (value === undefined || value === null) return undefined
  return Buffer.isBuffer(value) ? value.toString() : String(value)
}
