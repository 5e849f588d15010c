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
