import { afterEach, describe, expect, it } from 'vitest'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import { ADMIN_TOKEN, dataOf, silentLogger, testEnv } from '../../test/fixtures.ts'
import { stock } from '../stock/domain.ts'

let runtime: Runtime
afterEach(() => runtime.stop())

async function host(env: Record<string, string> = {}) {
  runtime = await createRuntime({
    env: testEnv(env),
    functions: await loadFunctions(['gateway.admin-api', 'menu', 'stock']),
    log: silentLogger,
    listen: false,
  })
}

const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` }

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = AUTH,
) {
  const res = await runtime.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await res.text()
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any }
}

const pie = {
  name: 'Apple pie',
  description: 'Warm, with cinnamon',
  priceId: 'price_pie',
  unitAmount: 550,
  currency: 'EUR',
}

describe('admin API authorization', () => {
  const routes: [string, string, unknown][] = [
    ['PUT', '/api/admin/menu/apple-pie', pie],
    ['DELETE', '/api/admin/menu/burger', undefined],
    ['PUT', '/api/admin/stock/burger', { quantity: 1 }],
  ]

  it.each(routes)(
    '%s %s answers 401 without a token, or with a wrong one',
    async (method, path, body) => {
      await host()
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-token-0123456789' },
        { authorization: ADMIN_TOKEN },
        { authorization: `Basic ${ADMIN_TOKEN}` },
        { authorization: `Bearer ${ADMIN_TOKEN}x` },
      ]
      for (const headers of attempts) {
        const res = await call(method, path, body, headers)
        expect(res.status, JSON.stringify(headers)).toBe(401)
        expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
      }
      expect(await runtime.invoke('menu.get-item', { id: 'burger' })).toBeDefined()
      await expect(runtime.invoke('menu.get-item', { id: 'apple-pie' })).rejects.toMatchObject({
        code: 'ITEM_NOT_FOUND',
      })
    },
  )

  it.each(routes)('%s %s answers 401 when ADMIN_TOKEN is unset', async (method, path, body) => {
    await host({ ADMIN_TOKEN: '' })
    const res = await call(method, path, body)
    expect(res.status).toBe(401)
    expect(res.body.error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/ADMIN_TOKEN/),
    })
  })

  it('checks the token before the body', async () => {
    await host()
    expect((await call('PUT', '/api/admin/stock/burger', 'not json', {})).status).toBe(401)
  })
})

describe('PUT /api/admin/menu/:itemId', () => {
  it('creates the item, then updates it', async () => {
    await host()
    const created = await call('PUT', '/api/admin/menu/apple-pie', pie)
    expect(created).toEqual({
      status: 200,
      body: { item: { id: 'apple-pie', ...pie, currency: 'eur' } },
    })
    expect(await runtime.invoke('menu.get-item', { id: 'apple-pie' })).toEqual(created.body)

    const updated = await call('PUT', '/api/admin/menu/apple-pie', { ...pie, unitAmount: 600 })
    expect(updated.status).toBe(200)
    expect(updated.body.item).toMatchObject({ id: 'apple-pie', unitAmount: 600 })
    expect(await runtime.invoke('menu.get-item', { id: 'apple-pie' })).toMatchObject({
      item: { unitAmount: 600 },
    })
  })

  it.each([
    ['a missing name', { ...pie, name: undefined }],
    ['a negative price', { ...pie, unitAmount: -5 }],
    ['a price as a string', { ...pie, unitAmount: '550' }],
    ['a bad currency', { ...pie, currency: 'euros' }],
    ['an unknown field', { ...pie, stock: 10 }],
    ['an id in the body', { ...pie, id: 'other' }],
    ['a body that is not JSON', '{"name":'],
  ])('answers 400 INVALID_REQUEST to %s', async (_what, body) => {
    await host()
    const res = await call('PUT', '/api/admin/menu/apple-pie', body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
    await expect(runtime.invoke('menu.get-item', { id: 'apple-pie' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    })
  })

  it('names the fields at fault', async () => {
    await host()
    const res = await call('PUT', '/api/admin/menu/apple-pie', { ...pie, unitAmount: -5 })
    expect(res.body.error.details.problems).toEqual([
      expect.objectContaining({ path: 'unitAmount' }),
    ])
  })

  it('answers 400 to an item id with characters outside letters, digits, - and _', async () => {
    await host()
    const res = await call('PUT', '/api/admin/menu/apple%20pie', pie)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ path: 'itemId' })])
  })
})

describe('DELETE /api/admin/menu/:itemId', () => {
  it('answers 204, then 404 once the item is gone', async () => {
    await host()
    const res = await runtime.app.request('/api/admin/menu/burger', {
      method: 'DELETE',
      headers: AUTH,
    })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    await expect(runtime.invoke('menu.get-item', { id: 'burger' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    })

    const again = await call('DELETE', '/api/admin/menu/burger')
    expect(again.status).toBe(404)
    expect(again.body.error.code).toBe('ITEM_NOT_FOUND')
  })
})

describe('PUT /api/admin/stock/:itemId', () => {
  it('sets the level and answers it', async () => {
    await host()
    const res = await call('PUT', '/api/admin/stock/brownie', { quantity: 12 })
    expect(res).toEqual({
      status: 200,
      body: { item: { id: 'brownie', onHand: 12, reserved: 0, available: 12 } },
    })
  })

  it('answers available net of open reservations', async () => {
    await host()
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'brownie', quantity: 5 }],
    })
    const res = await call('PUT', '/api/admin/stock/brownie', { quantity: 20 })
    expect(res.body.item).toEqual({ id: 'brownie', onHand: 20, reserved: 5, available: 15 })
  })

  it('answers 404 for an item not on the menu', async () => {
    await host()
    const res = await call('PUT', '/api/admin/stock/caviar', { quantity: 5 })
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('ITEM_NOT_FOUND')
    expect(await dataOf(stock, runtime.adapters.store).levels(['caviar'])).toEqual([])
  })

  it.each([
    ['a negative quantity', { quantity: -1 }],
    ['a fractional quantity', { quantity: 2.5 }],
    ['a quantity as a string', { quantity: '5' }],
    ['too big a quantity', { quantity: 1_000_001 }],
    ['no quantity', {}],
    ['an unknown field', { quantity: 5, note: 'x' }],
    ['a body that is not JSON', 'five'],
  ])('answers 400 to %s and keeps the level', async (_what, body) => {
    await host()
    const res = await call('PUT', '/api/admin/stock/brownie', body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
    expect((await dataOf(stock, runtime.adapters.store).levels(['brownie']))[0]?.onHand).toBe(40)
  })

  it('answers 400 to a level below what open orders hold', async () => {
    await host()
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'brownie', quantity: 5 }],
    })
    const res = await call('PUT', '/api/admin/stock/brownie', { quantity: 4 })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
  })
})
