/** Request validation for the public API: every failure is a 400 INVALID_REQUEST with details. */
import type { Context as HonoContext } from 'hono'
import type { z } from 'zod'
import { DomainError } from '../../../shared/errors.ts'
import { zodDetails } from '../../../shared/zod-details.ts'

/** Reads the body as JSON and checks it against `schema`. */
export async function jsonBody<T extends z.ZodType>(
  c: HonoContext,
  schema: T,
): Promise<z.infer<T>> {
  const text = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new DomainError('INVALID_REQUEST', 'request body must be JSON')
  }
  return check(schema, json, 'invalid request body')
}

/** Checks a path parameter; problems name the parameter. */
export function param<T extends z.ZodType>(schema: T, value: unknown, name: string): z.infer<T> {
  return check(schema, value, `invalid ${name}`, name)
}

/** Checks a value (a path parameter, a parsed body) against `schema`. */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  message: string,
  where?: string,
): z.infer<T> {
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new DomainError('INVALID_REQUEST', message, zodDetails(parsed.error, where))
  return parsed.data
}
