/**
 * GET /api/openapi.json against the running system: a valid OpenAPI 3.1 document (checked by
 * @readme/openapi-parser against the official schema and its rules), describing every route
 * the gateway serves under /api, and true to what the routes do: real requests and their
 * answers, successes and failures alike, validate against the schemas it gives for them (ajv,
 * JSON Schema 2020-12 as OpenAPI 3.1 uses, with formats), and bodies the API refuses fail
 * the request schema too.
 */
import { validate as validateOpenApi } from '@readme/openapi-parser'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN_TOKEN,
  invokableRuntime,
  sessionIdIn,
  signedStripeEvent,
  startSystem,
  type TestSystem,
  waitFor,
} from './fixtures.ts'

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
type Doc = any
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020
const DOC_ID = 'https://oms.invalid/openapi.json'
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'])

/** Hono's `/a/:b` as OpenAPI's `/a/{b}`. */
const toTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')

/** What is served: `METHOD /path` of every route under /api, and /healthz. */
function servedRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const served = new Set(
    routes
      .filter((r) => METHODS.has(r.method) && (r.path.startsWith('/api/') || r.path === '/healthz'))
      .map((r) => `${r.method} ${toTemplate(r.path)}`),
  )
  return [...served].sort()
}

function describedRoutes(doc: Doc): string[] {
  return Object.entries(doc.paths as Record<string, object>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.has(m.toUpperCase()))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort()
}

/** A JSON pointer into the document, as a URI fragment. */
const pointer = (...parts: string[]) =>
  `${DOC_ID}#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`

describe('GET /api/openapi.json', () => {
  let system: TestSystem
  let doc: Doc
  let ajv: Ajv2020
  /** `METHOD template status` of every exchange checked. */
  const seen = new Set<string>()

  beforeAll(async () => {
    system = await startSystem()
    const res = await system.fetch('/api/openapi.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    doc = await res.json()
    ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }))
    ajv.addSchema(doc, DOC_ID)
  })
  afterAll(() => system?.stop())

  const validator = (...parts: string[]) => {
    const ref = pointer(...parts)
    const check = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref })
    return (value: unknown) => {
      const valid = check(value) as boolean
      return { valid, errors: valid ? [] : ajv.errorsText(check.errors) }
    }
  }

  /** The operation the document gives for a route. */
  const operationOf = (method: string, template: string) => {
    const op = doc.paths[template]?.[method.toLowerCase()]
    expect(op, `${method} ${template} is described`).toBeDefined()
    return op
  }

  /**
   * Makes a request and checks it and its answer against the document: the path parameters
   * and the body (when `bodyFits`, else it must not fit the request schema), the status is
   * one the operation lists, and the JSON answer fits that status's schema.
   */
  async function exchange(
    method: string,
    template: string,
    params: Record<string, string>,
    options: {
      body?: unknown
      raw?: string
      headers?: Record<string, string>
      /** Whether the body, or the path parameters, fit the request's schemas (default true). */
      bodyFits?: boolean
      paramsFit?: boolean
    } = {},
  ) {
    const op = operationOf(method, template)
    // Every header sent (the admin token aside: a security scheme) is a described parameter.
    // (Nor the session cookie, another scheme, nor the Origin every browser sends.)
    const unlisted = new Set(['authorization', 'cookie', 'origin'])
    for (const name of Object.keys(options.headers ?? {}).filter((h) => !unlisted.has(h))) {
      expect(
        op.parameters?.some(
          (p: { in: string; name: string }) => p.in === 'header' && p.name === name,
        ),
        `header ${name} of ${method} ${template}`,
      ).toBe(true)
    }
    for (const [name, value] of Object.entries(params)) {
      const index = op.parameters.findIndex(
        (p: { in: string; name: string }) => p.in === 'path' && p.name === name,
      )
      expect(index, `parameter ${name} of ${method} ${template}`).toBeGreaterThanOrEqual(0)
      const fits = validator(
        'paths',
        template,
        method.toLowerCase(),
        'parameters',
        String(index),
        'schema',
      )
      expect(fits(value).valid, `${name}=${value}`).toBe(options.paramsFit ?? true)
    }
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(params[name]!),
    )
    if (options.body !== undefined) {
      const fits = validator(
        'paths',
        template,
        method.toLowerCase(),
        'requestBody',
        'content',
        'application/json',
        'schema',
      )
      const result = fits(options.body)
      expect(result.valid, `request body of ${method} ${template}: ${result.errors}`).toBe(
        options.bodyFits ?? true,
      )
    }
    const res = await system.fetch(path, {
      method,
      headers: {
        ...(options.body !== undefined || options.raw !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...options.headers,
      },
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    })
    const status = String(res.status)
    /** The answer's schema the document gives for this status and media type. */
    const answerFits = (mediaType: string) =>
      validator(
        'paths',
        template,
        method.toLowerCase(),
        'responses',
        status,
        'content',
        mediaType,
        'schema',
      )
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      // A stream: its first message's data fits the described schema.
      seen.add(`${method} ${template} ${status}`)
      const first = await firstMessage(res)
      const result = answerFits('text/event-stream')(first.data)
      expect(result.valid, `${method} ${path} first message: ${result.errors}`).toBe(true)
      return { status: res.status, body: first }
    }
    const text = await res.text()
    expect(Object.keys(op.responses), `${method} ${path} answered ${status}: ${text}`).toContain(
      status,
    )
    seen.add(`${method} ${template} ${status}`)
    const described = op.responses[status]
    if (!described.content) {
      expect(text).toBe('')
      return { status: res.status, body: undefined }
    }
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = JSON.parse(text)
    const result = answerFits('application/json')(body)
    expect(result.valid, `${method} ${path} ${status}: ${result.errors}\n${text}`).toBe(true)
    return { status: res.status, body }
  }

  /** The first message of a server-sent events answer (the stream is then let go). */
  async function firstMessage(res: Response): Promise<{ event: string; data: unknown }> {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    try {
      while (!text.includes('\n\n')) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
    } finally {
      await reader.cancel()
    }
    const lines = text.slice(0, text.indexOf('\n\n')).split('\n')
    const field = (name: string) =>
      lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trim())
    return { event: field('event')[0] ?? 'message', data: JSON.parse(field('data').join('\n')) }
  }

  it('is a valid OpenAPI 3.1 document, serving from PUBLIC_URL', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await validateOpenApi(structuredClone(doc))
    expect(result.valid ? [] : result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(doc.servers).toEqual([{ url: system.config.publicUrl }])
    // It is not a stub: each operation has an id, and the schemas live in components.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Order', 'Menu', 'CreateOrderRequest', 'Error400', 'Error404']),
    )
  })

  it('describes every route served under /api, with the whole system in one process', () => {
    expect(describedRoutes(doc)).toEqual(servedRoutes(system.runtime.app.routes))
  })

  it('describes every route of a gateway on its own (the webhook forwarded to payments)', async () => {
    const runtime = await invokableRuntime(['gateway'])
    try {
      const served = servedRoutes(runtime.app.routes)
      expect(served).toContain('POST /api/payments/webhook')
      expect(describedRoutes(doc)).toEqual(served)
    } finally {
      await runtime.stop()
    }
  })

  it('describes every error answer with the JSON error shape, its code one of that status', () => {
    const errorShapes = Object.entries(doc.paths as Record<string, Doc>).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Doc>).flatMap(([method, op]) =>
        Object.entries(op.responses as Record<string, Doc>)
          .filter(([status]) => Number(status) >= 400 && path !== '/healthz')
          .map(([status, response]) => ({ at: `${method} ${path} ${status}`, status, response })),
      ),
    )
    expect(errorShapes.length).toBeGreaterThan(20)
    for (const { at, status, response } of errorShapes) {
      const ref = response.content['application/json'].schema.$ref
      expect(ref, at).toBe(`#/components/schemas/Error${status}`)
      expect(response.description, at).toMatch(/^[A-Z_]+: /)
      // A 503 says how long to wait, as the overloaded process answers it.
      if (status === '503') expect(response.headers?.['Retry-After']?.schema, at).toBeDefined()
    }
    expect(errorShapes.filter((e) => e.status === '503').length).toBeGreaterThan(5)
    const fits = validator('components', 'schemas', 'Error409')
    expect(fits({ error: { code: 'OUT_OF_STOCK', message: 'no' } }).valid).toBe(true)
    expect(fits({ error: { code: 'ORDER_NOT_FOUND', message: 'no' } }).valid).toBe(false)
    expect(fits({ code: 'OUT_OF_STOCK', message: 'no' }).valid).toBe(false)
  })

  it('answers as described: an order placed, read, paid, cancelled; the admin routes; errors', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
    const customerId = 'openapi-alice'
    await exchange('GET', '/api/menu', {})
    await exchange('GET', '/healthz', {})
    await exchange('GET', '/api/openapi.json', {})

    // Place two orders, read them back once the payment link is on them.
    const orders = `/api/customers/{customerId}/orders`
    const one = `${orders}/{orderId}`
    const placed = await exchange(
      'POST',
      orders,
      { customerId },
      {
        body: {
          items: [
            { id: 'burger', quantity: 2 },
            { id: 'fries', quantity: 1 },
            { id: 'burger', quantity: 1 },
          ],
        },
      },
    )
    expect(placed.status).toBe(201)
    // The second with an Idempotency-Key: its retry answers the same, other items with it 422.
    const keyed = {
      body: { items: [{ id: 'lemonade', quantity: 1 }] },
      headers: { 'idempotency-key': 'openapi-1' },
    }
    const second = await exchange('POST', orders, { customerId }, keyed)
    expect(await exchange('POST', orders, { customerId }, keyed)).toEqual(second)
    const reused = await exchange(
      'POST',
      orders,
      { customerId },
      { ...keyed, body: { items: [{ id: 'lemonade', quantity: 2 }] } },
    )
    expect([reused.status, reused.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED'])
    const orderId = placed.body.order.id as string
    const link = await waitFor(
      async () => {
        const { body } = await system.json(`/api/customers/${customerId}/orders/${orderId}`)
        return (body.order.paymentLink as string | null) ?? undefined
      },
      { what: 'payment link' },
    )
    const read = await exchange('GET', one, { customerId, orderId })
    expect(read.body.order.paymentLink).toBe(link)
    const list = await exchange('GET', orders, { customerId })
    expect(list.body.orders).toHaveLength(2)

    // Paid through the webhook (once; again is a duplicate), then it cannot be cancelled.
    const webhook = '/api/payments/webhook'
    const { payload, signature } = signedStripeEvent({
      orderId,
      customerId,
      sessionId: sessionIdIn(link),
    })
    const event = JSON.parse(payload)
    const paid = await exchange(
      'POST',
      webhook,
      {},
      { body: event, raw: payload, headers: { 'stripe-signature': signature } },
    )
    expect(paid.body).toEqual({ received: true })
    const again = await exchange(
      'POST',
      webhook,
      {},
      { body: event, raw: payload, headers: { 'stripe-signature': signature } },
    )
    expect(again.body).toEqual({ received: true, duplicate: true })
    const forged = await exchange(
      'POST',
      webhook,
      {},
      { body: event, raw: payload, headers: { 'stripe-signature': 't=1,v1=00' } },
    )
    expect(forged.body.error.code).toBe('INVALID_SIGNATURE')
    await waitFor(
      async () => {
        const { body } = await system.json(`/api/customers/${customerId}/orders/${orderId}`)
        return body.order.status === 'pending' ? undefined : true
      },
      { what: 'paid order' },
    )
    const refused = await exchange('POST', `${one}/cancel`, { customerId, orderId })
    expect(refused.body.error.code).toBe('INVALID_TRANSITION')
    const followed = await exchange('GET', `${one}/stream`, { customerId, orderId })
    expect(followed.body).toMatchObject({ event: 'order', data: { order: { id: orderId } } })

    // The staff's screens: sign-in, the kitchen's queue and its stream, a move, sign-out.
    const session = '/api/staff/session'
    const wrong = await exchange('POST', session, {}, { body: { credential: 'nope-nope-nope' } })
    expect(wrong.body.error.code).toBe('UNAUTHORIZED')
    const signIn = await system.fetch(session, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: ADMIN_TOKEN }),
    })
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string
    await exchange('POST', session, {}, { body: { credential: ADMIN_TOKEN } })
    expect((await exchange('GET', session, {}, { headers: { cookie } })).body.role).toBe('admin')
    const queue = await exchange('GET', '/api/kitchen/orders', {}, { headers: admin })
    expect(Array.isArray(queue.body.orders)).toBe(true)
    const stream = await exchange('GET', '/api/kitchen/stream', {}, { headers: { cookie } })
    expect(stream.body.event).toBe('queue')
    const move = '/api/kitchen/orders/{orderId}/{move}'
    // The simulated kitchen cooks it (KITCHEN_COOK_MS); then the counter hands it over.
    await waitFor(
      async () => {
        const { body } = await system.json(`/api/customers/${customerId}/orders/${orderId}`)
        return body.order.status === 'ready' ? true : undefined
      },
      { what: 'ready order' },
    )
    const stale = await exchange('POST', move, { orderId, move: 'start' }, { headers: admin })
    expect(stale.body.error.code).toBe('INVALID_TRANSITION')
    const collected = await exchange(
      'POST',
      move,
      { orderId, move: 'collect' },
      { headers: { cookie, origin: system.url } },
    )
    expect(collected.body.order).toMatchObject({ id: orderId, status: 'collected' })
    const elsewhere = await exchange(
      'POST',
      move,
      { orderId, move: 'collect' },
      { headers: { cookie, origin: 'http://elsewhere.example' } },
    )
    expect(elsewhere.body.error.code).toBe('FORBIDDEN')
    const fry = await system.json(`/api/kitchen/orders/${orderId}/fry`, {
      method: 'POST',
      headers: admin,
    })
    expect([fry.status, fry.body.error.code]).toEqual([400, 'INVALID_REQUEST'])
    expect((await exchange('DELETE', session, {}, { headers: { cookie } })).status).toBe(204)
    const cancelled = await exchange('POST', `${one}/cancel`, {
      customerId,
      orderId: second.body.order.id,
    })
    expect(cancelled.body.order.status).toBe('cancelled')

    // Failures, each in the error shape of its status.
    const bobs = await exchange('GET', one, { customerId: 'openapi-bob', orderId })
    expect(bobs.body.error.code).toBe('ORDER_NOT_FOUND')
    const badLines = await exchange(
      'POST',
      orders,
      { customerId },
      { body: { items: [{ id: 'burger', quantity: 0 }] }, bodyFits: false },
    )
    expect(badLines.body.error.details.problems[0].path).toBe('items.0.quantity')
    const extra = await exchange(
      'POST',
      orders,
      { customerId },
      { body: { items: [{ id: 'burger', quantity: 1 }], coupon: 'x' }, bodyFits: false },
    )
    expect(extra.body.error.code).toBe('INVALID_REQUEST')
    const notJson = await exchange('POST', orders, { customerId }, { raw: '{"items":' })
    expect(notJson.body.error.code).toBe('INVALID_REQUEST')
    const unknown = await exchange(
      'POST',
      orders,
      { customerId },
      { body: { items: [{ id: 'caviar', quantity: 1 }] } },
    )
    expect(unknown.body.error.code).toBe('ITEM_NOT_FOUND')
    const tooMany = await exchange(
      'POST',
      orders,
      { customerId },
      { body: { items: [{ id: 'brownie', quantity: 41 }] } },
    )
    expect(tooMany.body.error.code).toBe('OUT_OF_STOCK')
    const huge = await exchange(
      'POST',
      orders,
      { customerId },
      { raw: JSON.stringify({ items: [], pad: 'x'.repeat(70_000) }) },
    )
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE')
    const badCustomer = await exchange(
      'GET',
      orders,
      { customerId: 'not ok!' },
      { paramsFit: false },
    )
    expect(badCustomer.body.error.code).toBe('INVALID_REQUEST')

    // Admin: a new item, its stock, taken off again; refused without the token.
    const menuItem = '/api/admin/menu/{itemId}'
    const stock = '/api/admin/stock/{itemId}'
    const tea = {
      name: 'Mint tea',
      description: 'Fresh mint',
      priceId: 'price_tea',
      unitAmount: 250,
      currency: 'EUR',
    }
    const put = await exchange('PUT', menuItem, { itemId: 'tea' }, { body: tea, headers: admin })
    expect(put.body.item).toEqual({ id: 'tea', ...tea, currency: 'eur' })
    const level = await exchange(
      'PUT',
      stock,
      { itemId: 'tea' },
      { body: { quantity: 12 }, headers: admin },
    )
    expect(level.body.item).toEqual({ id: 'tea', onHand: 12, reserved: 0, available: 12 })
    await exchange(
      'PUT',
      stock,
      { itemId: 'tea' },
      { body: { quantity: -1 }, headers: admin, bodyFits: false },
    )
    await exchange(
      'PUT',
      menuItem,
      { itemId: 'tea' },
      { body: { ...tea, unitAmount: 2.5 }, headers: admin, bodyFits: false },
    )
    expect((await exchange('DELETE', menuItem, { itemId: 'tea' }, { headers: admin })).status).toBe(
      204,
    )
    const gone = await exchange('DELETE', menuItem, { itemId: 'tea' }, { headers: admin })
    expect(gone.body.error.code).toBe('ITEM_NOT_FOUND')
    const noStock = await exchange(
      'PUT',
      stock,
      { itemId: 'tea' },
      { body: { quantity: 1 }, headers: admin },
    )
    expect(noStock.body.error.code).toBe('ITEM_NOT_FOUND')
    const anonymous = await exchange('PUT', stock, { itemId: 'burger' }, { body: { quantity: 1 } })
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED')
    const levels = await exchange('GET', '/api/admin/stock', {}, { headers: admin })
    expect(levels.body.items).toContainEqual(expect.objectContaining({ id: 'burger' }))

    // Every described operation was seen answering its success.
    const successes = describedRoutes(doc).map((route) => {
      const [method, template] = route.split(' ') as [string, string]
      const status = Object.keys(operationOf(method, template).responses).find((s) =>
        s.startsWith('2'),
      )
      return `${route} ${status}`
    })
    expect([...seen].filter((s) => / 2\d\d$/.test(s)).sort()).toEqual(successes.sort())
  })
})
