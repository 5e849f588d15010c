/**
 * Operator routes that act inside the running process, on its own store, bus and state:
 * `POST /_oms/invoke/:function` runs a hosted function once (what `oms invoke --url` sends),
 * `POST /_oms/publish` publishes one event on the process's bus (`oms publish --url`).
 * Guarded exactly as the other operator routes (ops-routes.ts): the admin token, or a caller on
 * this host under `oms dev`; anyone else gets the ordinary JSON 404.
 */
import { type Context, Hono } from 'hono'
import { DomainError, isDomainError } from '../../shared/errors.ts'
import { issuesLine, type Outcome, outcomeOf } from '../cli/outcome.ts'
import { declaredTopics } from '../model/topic.ts'
import type { Bus } from '../ports/bus.ts'
import { hasBearer } from './bearer.ts'
import { isLoopbackCaller } from './loopback.ts'
import { OPS_PREFIX } from './ops-routes.ts'

export interface OpsInvokeOptions {
  /** The functions this process hosts. */
  functions: readonly string[]
  /** Runs one of them once, through its trigger's binding. */
  invoke(name: string, input: unknown): Promise<unknown>
  bus: Pick<Bus, 'publish'>
  /** ADMIN_TOKEN: lets callers in with `Authorization: Bearer <token>` (default: none). */
  adminToken?: string
  /** Also answer loopback callers without the token (`oms dev`). */
  trustLoopback?: boolean
}

/** The HTTP status each outcome answers with. */
const STATUS: Record<Outcome['kind'], number> = {
  'invalid-event': 400,
  'retry-later': 503,
  failed: 500,
  'domain-error': 500,
}

const fail = (c: Context, err: DomainError) => c.json(err.toJSON(), err.httpStatus as 400)

/** The body as JSON: `{}` when empty, undefined when it is not JSON. */
async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function opsInvokeRoutes(options: OpsInvokeOptions): Hono {
  const { functions, invoke, bus, adminToken, trustLoopback = false } = options
  const app = new Hono()
  app.use(`${OPS_PREFIX}/*`, async (c, next) => {
    if (hasBearer(c.req.header('authorization'), adminToken)) return next()
    if (trustLoopback && isLoopbackCaller(c)) return next()
    return fail(c, new DomainError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))
  })

  app.post(`${OPS_PREFIX}/invoke/:function`, async (c) => {
    const name = c.req.param('function').replace('/', '.')
    if (!functions.includes(name))
      return fail(
        c,
        new DomainError('NOT_FOUND', `${name} is not hosted by this process`, {
          hosted: functions,
        }),
      )
    const input = await jsonBody(c)
    if (input === undefined)
      return fail(c, new DomainError('INVALID_REQUEST', 'the body must be the input as JSON'))
    try {
      return c.json({ result: (await invoke(name, input)) ?? null })
    } catch (err) {
      const outcome = outcomeOf(err)
      const status = isDomainError(err) ? err.httpStatus : STATUS[outcome.kind]
      return c.json({ outcome }, status as 400)
    }
  })

  app.post(`${OPS_PREFIX}/publish`, async (c) => {
    const body = (await jsonBody(c)) as { event?: unknown; data?: unknown } | undefined
    if (typeof body?.event !== 'string' || typeof body.data !== 'object' || body.data === null)
      return fail(
        c,
        new DomainError('INVALID_REQUEST', 'body must be {"event": string, "data": {...}}'),
      )
    const topics = declaredTopics()
    const topic = topics.find((t) => t.name === body.event)
    if (!topic)
      return fail(
        c,
        new DomainError('NOT_FOUND', `this process knows no event ${body.event}`, {
          events: topics.map((t) => t.name),
        }),
      )
    const parsed = topic.schema.safeParse(body.data)
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.join('.') || '(body)',
        message: i.message,
      }))
      const text = issuesLine(issues.map((i) => `${i.path}: ${i.message}`))
      return fail(
        c,
        new DomainError('INVALID_REQUEST', `invalid ${topic.name} event: ${text}`, { issues }),
      )
    }
    const data = parsed.data as { eventId?: unknown }
    if (typeof data.eventId !== 'string' || data.eventId === '')
      return fail(
        c,
        new DomainError('INVALID_REQUEST', `invalid ${topic.name} event: eventId: required`),
      )
    await bus.publish(topic.name, { ...data, eventId: data.eventId })
    return c.json({ published: topic.name, eventId: data.eventId })
  })
  return app
}
