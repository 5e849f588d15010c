/**
 * The bearer-token check: only `Authorization: Bearer <the token>` passes; without a configured
 * token everything is refused with the reason given; tokens of any length compare safely.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../log.ts'
import { bearerAuth, hasBearer } from './bearer.ts'
import { createRootApp } from './root-app.ts'

const TOKEN = 'test-admin-token-0123456789'

type Headers = Record<string, string>
const OFF = 'admin routes are off: set ADMIN_TOKEN'

/** An app with one guarded route, under the process's error handler. */
function guarded(token: string | undefined) {
  let reached = 0
  const app = new Hono().put('/admin/thing', bearerAuth({ token, off: OFF }), (c) => {
    reached++
    return c.json({ ok: true })
  })
  const root = createRootApp([app], createLogger('silent'))
  return {
    reached: () => reached,
    async call(headers: Record<string, string> = {}) {
      const res = await root.request('/admin/thing', { method: 'PUT', headers })
      return { status: res.status, body: await res.json() }
    },
  }
}

describe('hasBearer', () => {
  it('is true only for `Bearer <token>`', () => {
    expect(hasBearer(`Bearer ${TOKEN}`, TOKEN)).toBe(true)
    for (const header of [
      undefined,
      '',
      TOKEN,
      `Basic ${TOKEN}`,
      `bearer ${TOKEN}`,
      `Bearer  ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
    ])
      expect(hasBearer(header, TOKEN), String(header)).toBe(false)
  })

  it('is never true without a token, even for an empty bearer', () => {
    expect(hasBearer('Bearer ', undefined)).toBe(false)
    expect(hasBearer('Bearer ', '')).toBe(false)
    expect(hasBearer(`Bearer ${TOKEN}`, undefined)).toBe(false)
  })

  it('compares tokens of different lengths without throwing', () => {
    expect(() => hasBearer('Bearer x', TOKEN)).not.toThrow()
    expect(hasBearer('Bearer x', TOKEN)).toBe(false)
    expect(hasBearer(`Bearer ${TOKEN.repeat(40)}`, TOKEN)).toBe(false)
  })
})

describe('bearerAuth', () => {
  it('refuses every request with 401 and the `off` reason when no token is configured', async () => {
    for (const token of [undefined, '']) {
      const route = guarded(token)
      const attempts: Headers[] = [
        {},
        { authorization: 'Bearer ' },
        { authorization: `Bearer ${TOKEN}` },
      ]
      for (const headers of attempts) {
        expect(await route.call(headers)).toEqual({
          status: 401,
          body: { error: { code: 'UNAUTHORIZED', message: OFF } },
        })
      }
      expect(route.reached()).toBe(0)
    }
  })

  it('refuses a missing or wrong token with 401', async () => {
    const route = guarded(TOKEN)
    for (const headers of [
      {},
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: 'Bearer x' },
      { authorization: `Bearer ${TOKEN}x` },
    ] as Headers[]) {
      const res = await route.call(headers)
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/Bearer/) },
      })
      expect(res.body.error.message).not.toBe(OFF)
    }
    expect(route.reached()).toBe(0)
  })

  it('lets the right token through to the handler', async () => {
    const route = guarded(TOKEN)
    expect(await route.call({ authorization: `Bearer ${TOKEN}` })).toEqual({
      status: 200,
      body: { ok: true },
    })
    expect(route.reached()).toBe(1)
  })
})
