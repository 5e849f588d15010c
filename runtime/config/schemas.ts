/**
 * Schemas for environment variables, shared by the runtime's and the domains' settings. Each
 * reads the variable's text and says, when it fails, what the value must look like.
 */
import * as z from 'zod'

/** A whole number written in plain decimal digits, within [min, max]. */
export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number written in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

export const port = int(0, 65535)

/** Milliseconds up to an hour. */
export const ms = int(0, 3_600_000)

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const

/**
 * A duration within [min, max] ms: digits with a unit (`1500ms`, `90s`, `30m`, `2h`), or plain
 * digits as milliseconds; read as milliseconds.
 */
export const duration = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(ms|s|m|h)?$/, 'must be a duration such as 90s, 30m or 2h (plain digits: ms)')
    .transform((value) => {
      const [, digits, unit = 'ms'] = /^(\d+)(ms|s|m|h)?$/.exec(value) as RegExpExecArray
      return Number(digits) * UNIT_MS[unit as keyof typeof UNIT_MS]
    })
    .pipe(z.number().min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`))

/** A URL with one of the given protocols (`http:`, `amqp:`, ...). */
export const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol)
      } catch {
        return false
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  )

/** Comma-separated milliseconds, e.g. `1000,5000,30000`. */
export const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 1000,5000,30000')
  .transform((value) => value.split(',').map(Number))

/** `true` (any case) or anything else. */
export const flag = z.string().transform((v) => v.trim().toLowerCase() === 'true')

/** Any text, at least `min` characters. */
export const text = (min = 1, message?: string) => z.string().min(min, message)
