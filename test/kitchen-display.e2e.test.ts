/**
 * The kitchen display's API and streams, on the whole system in one process over real HTTP:
 * staff sign-in (cookie, wrong credential, the admin's routes stay the admin's, changes only
 * from the site's own pages), the queue pushed live as orders are paid and moved, moves that
 * are idempotent and never go backwards, the customer's order stream, and KITCHEN_MODE=staff
 * leaving the moves to the staff.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startSystem, type TestSystem, waitFor } from './fixtures.ts'
import { readSse, type SseReader } from './sse.ts'

const STAFF_TOKEN = 'test-staff-token-0123456789'

let sys: TestSystem
const streams: SseReader[] = []
afterEach(async () => {
  for (const s of streams.splice(0)) s.close()
  await sys.stop()
})

async function start(env: Record<string, string> = {}) {
  sys = await startSystem({ env: { STAFF_TOKEN, KITCHEN_MODE: 'staff', ...env } })
}

/** Signs in with the credential; the session cookie (name=value). */
async function signIn(credential: string): Promise<string> {
  const res = await sys.fetch('/api/staff/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  })
  expect(res.status).toBe(200)
  const cookie = res.headers.get('set-cookie') ?? ''
  return cookie.split(';')[0] as string
}

/** What the display's pages send: the cookie and this site's Origin. */
const fromDisplay = (cookie: string) => ({ cookie, origin: sys.url })

async function move(cookie: string, orderId: string, to: string) {
  return sys.json(`/api/kitchen/orders/${orderId}/${to}`, {
    method: 'POST',
    headers: fromDisplay(cookie),
  })
}

/** Places an order of one burger for `customer`; its id once payments linked a checkout. */
async function placeOrder(customer: string): Promise<{ id: string; link: string }> {
  const placed = await sys.json(`/api/customers/${customer}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ id: 'burger', quantity: 2 }] }),
  })
  expect(placed.status).toBe(201)
  const id = placed.body.order.id as string
  const link = await waitFor(async () => {
    const { body } = await sys.json(`/api/customers/${customer}/orders/${id}`)
    return (body.order.paymentLink as string | null) ?? undefined
  })
  return { id, link }
}

/** Pays through the local checkout (its link names PUBLIC_URL: the path is this system's). */
const pay = async (link: string) => {
  const res = await sys.fetch(`${new URL(link).pathname}/pay`, {
    method: 'POST',
    redirect: 'manual',
  })
  expect(res.status).toBe(303)
}

const open = async (path: string, headers: Record<string, string> = {}) => {
  const s = await readSse(`${sys.url}${path}`, headers)
  streams.push(s)
  return s
}

describe('staff sign-in', () => {
  it('refuses a wrong credential, and signs staff in with an HttpOnly, SameSite=Strict cookie', async () => {
    await start()
    const wrong = await sys.json('/api/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: 'not-the-right-one-42' }),
    })
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    const bad = await sys.json('/api/staff/session', { method: 'POST', body: '{"credential":1}' })
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } })

    const res = await sys.fetch('/api/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: STAFF_TOKEN }),
    })
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Strict/i)
    const cookie = setCookie.split(';')[0] as string
    expect(await sys.json('/api/staff/session', { headers: { cookie } })).toMatchObject({
      status: 200,
      body: { role: 'staff' },
    })
    expect((await sys.json('/api/kitchen/orders', { headers: { cookie } })).status).toBe(200)
    // The staff's session is not the admin's.
    expect(await sys.json('/api/admin/stock', { headers: { cookie } })).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN' } },
    })
    // Signed out: the cookie is cleared.
    const out = await sys.fetch('/api/staff/session', { method: 'DELETE', headers: { cookie } })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/i)
  })

  it('lets nobody onto the kitchen API without a session or a credential, nor with a forged cookie', async () => {
    await start()
    for (const headers of <Record<string, string>[]>[
      {},
      { cookie: 'oms_staff_session=admin.99999999999999.forged' },
      { authorization: 'Bearer not-the-token-0123' },
    ]) {
      const res = await sys.json('/api/kitchen/orders', { headers })
      expect(res).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHORIZED' } } })
    }
    expect(
      (
        await sys.json('/api/kitchen/orders', {
          headers: { authorization: `Bearer ${STAFF_TOKEN}` },
        })
      ).status,
    ).toBe(200)
    // The admin's credential opens the display and the back office.
    const admin = await signIn(ADMIN_TOKEN)
    expect((await sys.json('/api/kitchen/orders', { headers: { cookie: admin } })).status).toBe(200)
    expect((await sys.json('/api/admin/stock', { headers: { cookie: admin } })).status).toBe(200)
  })

  it('refuses a change made with the session from another site’s page', async () => {
    await start()
    const cookie = await signIn(STAFF_TOKEN)
    const { id, link } = await placeOrder('cora')
    await pay(link)
    for (const origin of ['http://evil.example', 'http://127.0.0.1:1']) {
      const res = await sys.json(`/api/kitchen/orders/${id}/start`, {
        method: 'POST',
        headers: { cookie, origin },
      })
      expect(res).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } })
    }
    const { body } = await sys.json(`/api/customers/cora/orders/${id}`)
    expect(body.order.status).toBe('paid')
  })
})

describe('the kitchen display', () => {
  it('shows a paid order at once, follows each move, and the customer sees ready without asking', async () => {
    await start({ KITCHEN_COOK_MS: '20' })
    const cookie = await signIn(STAFF_TOKEN)
    const board = await open('/api/kitchen/stream', { cookie })
    expect(board.status).toBe(200)
    expect(board.headers.get('content-type')).toMatch(/text\/event-stream/)
    expect((await board.next((m) => m.event === 'queue')).data).toEqual({ orders: [] })

    const { id, link } = await placeOrder('dora')
    const customer = await open(`/api/customers/dora/orders/${id}/stream`)
    expect((await customer.next()).data.order).toMatchObject({ id, status: 'pending' })

    const paidAt = Date.now()
    await pay(link)
    const shown = await board.next((m) => m.event === 'order' && m.data.order.id === id)
    expect(Date.now() - paidAt).toBeLessThan(1000)
    expect(shown.data.order).toMatchObject({
      id,
      status: 'paid',
      items: [{ id: 'burger', name: expect.any(String), quantity: 2 }],
    })
    // Nothing of the customer on the display.
    expect(JSON.stringify(shown.data)).not.toContain('dora')
    expect(shown.data.order).not.toHaveProperty('total')

    // KITCHEN_MODE=staff: the simulated cook (20 ms) leaves it to the staff.
    await new Promise((r) => setTimeout(r, 300))
    expect((await sys.json(`/api/customers/dora/orders/${id}`)).body.order.status).toBe('paid')

    // A double tap: both answered with the order preparing, one move.
    const [first, second] = await Promise.all([
      move(cookie, id, 'start'),
      move(cookie, id, 'start'),
    ])
    expect(first).toMatchObject({ status: 200, body: { order: { id, status: 'preparing' } } })
    expect(second).toMatchObject({ status: 200, body: { order: { id, status: 'preparing' } } })
    await board.next((m) => m.event === 'order' && m.data.order.status === 'preparing')

    expect(await move(cookie, id, 'ready')).toMatchObject({
      status: 200,
      body: { order: { status: 'ready' } },
    })
    await board.next((m) => m.event === 'order' && m.data.order.status === 'ready')
    expect((await customer.next((m) => m.data.order.status === 'ready')).data.order.id).toBe(id)

    // Never backwards: a stale display's Start is refused.
    expect(await move(cookie, id, 'start')).toMatchObject({
      status: 409,
      body: { error: { code: 'INVALID_TRANSITION', details: { from: 'ready', to: 'preparing' } } },
    })
    expect(await move(cookie, id, 'collect')).toMatchObject({
      status: 200,
      body: { order: { status: 'collected' } },
    })
    expect((await board.next((m) => m.event === 'gone')).data).toEqual({ id, status: 'collected' })
    expect((await customer.next((m) => m.data.order.status === 'collected')).data.order.id).toBe(id)
    // Each move once: no second preparing on the board.
    expect(board.messages.filter((m) => m.data.order?.status === 'preparing')).toHaveLength(1)

    // A display opened now starts from the queue as it is: empty again.
    const later = await open('/api/kitchen/stream', { cookie })
    expect((await later.next()).data).toEqual({ orders: [] })
  })

  it('lists the queue oldest first, two displays see the same, and bad moves are explained', async () => {
    await start()
    const cookie = await signIn(ADMIN_TOKEN)
    const a = await placeOrder('erin')
    const b = await placeOrder('finn')
    await pay(b.link)
    await pay(a.link)
    const ids = await waitFor(async () => {
      const { body } = await sys.json('/api/kitchen/orders', { headers: { cookie } })
      return body.orders.length === 2 ? body.orders.map((o: { id: string }) => o.id) : undefined
    })
    expect(ids).toEqual([a.id, b.id])
    const one = await open('/api/kitchen/stream', { cookie })
    const two = await open('/api/kitchen/stream', { cookie })
    await one.next((m) => m.event === 'queue')
    await two.next((m) => m.event === 'queue')
    await move(cookie, b.id, 'start')
    for (const display of [one, two])
      await display.next(
        (m) =>
          m.event === 'order' && m.data.order.id === b.id && m.data.order.status === 'preparing',
      )

    expect(await move(cookie, a.id, 'fry')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST' } },
    })
    expect(await move(cookie, 'no-such-order', 'start')).toMatchObject({
      status: 404,
      body: { error: { code: 'ORDER_NOT_FOUND' } },
    })
    // An unpaid order cannot be started.
    const c = await placeOrder('gail')
    expect(await move(cookie, c.id, 'start')).toMatchObject({
      status: 409,
      body: { error: { code: 'INVALID_TRANSITION' } },
    })
  })

  it('refuses the customer stream of an unknown or another customer’s order before it starts', async () => {
    await start()
    const { id } = await placeOrder('hana')
    expect((await sys.json(`/api/customers/hana/orders/nope/stream`)).status).toBe(404)
    expect(await sys.json(`/api/customers/ivan/orders/${id}/stream`)).toMatchObject({
      status: 404,
      body: { error: { code: 'ORDER_NOT_FOUND' } },
    })
  })

  it('in KITCHEN_MODE=simulated, cooks by itself, and the display shows it moving', async () => {
    await start({ KITCHEN_MODE: 'simulated', KITCHEN_COOK_MS: '200' })
    const cookie = await signIn(STAFF_TOKEN)
    const board = await open('/api/kitchen/stream', { cookie })
    await board.next((m) => m.event === 'queue')
    const { id, link } = await placeOrder('jade')
    await pay(link)
    await board.next(
      (m) => m.event === 'order' && m.data.order.id === id && m.data.order.status === 'ready',
      10_000,
    )
    expect(await move(cookie, id, 'collect')).toMatchObject({
      status: 200,
      body: { order: { status: 'collected' } },
    })
  })
})
