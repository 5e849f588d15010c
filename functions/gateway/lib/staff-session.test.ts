import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { toDomainError } from '../../../runtime/model/to-domain-error.ts'
import {
  type Credentials,
  roleOf,
  SESSION_COOKIE,
  SESSION_HOURS,
  sessionOf,
  staffOnly,
  startSession,
} from './staff-session.ts'

const CREDENTIALS: Credentials = {
  adminToken: 'admin-credential-0123456789',
  staffToken: 'staff-credential-0123456789',
}

/** An app that signs in as `role` on POST /in and answers who the session is on GET /who. */
function app(credentials: Credentials, publicUrl = 'http://localhost:8080') {
  return new Hono()
    .onError((err, c) => {
      const { error } = toDomainError(err)
      return c.json(error.toJSON(), error.httpStatus as 401)
    })
    .post('/in/:role', async (c) =>
      c.json(await startSession(c, c.req.param('role') as 'admin', credentials, publicUrl)),
    )
    .get('/who', async (c) => c.json((await sessionOf(c, credentials)) ?? null))
    .use('/kitchen/*', staffOnly({ credentials, role: 'staff', off: 'off' }))
    .post('/kitchen/move', (c) => c.json({ by: c.get('staffRole') }))
}

async function signIn(a: Hono, role: 'admin' | 'staff') {
  const res = await a.request(`/in/${role}`, { method: 'POST' })
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] as string, res }
}

afterEach(() => vi.useRealTimers())

describe('staff sessions', () => {
  it('tells the role of a credential, and none for a wrong or empty one', () => {
    expect(roleOf(CREDENTIALS.adminToken as string, CREDENTIALS)).toBe('admin')
    expect(roleOf(CREDENTIALS.staffToken as string, CREDENTIALS)).toBe('staff')
    expect(roleOf('staff-credential-012345678', CREDENTIALS)).toBeUndefined()
    expect(roleOf('', { adminToken: undefined, staffToken: undefined })).toBeUndefined()
  })

  it('sets an HttpOnly, SameSite=Strict cookie, Secure when the site is https', async () => {
    const plain = (await signIn(app(CREDENTIALS), 'staff')).res.headers.get('set-cookie') ?? ''
    expect(plain).toMatch(new RegExp(`^${SESSION_COOKIE}=`))
    expect(plain).toMatch(/HttpOnly/)
    expect(plain).toMatch(/SameSite=Strict/)
    expect(plain).not.toMatch(/Secure/)
    const https = app(CREDENTIALS, 'https://counter.example')
    expect((await signIn(https, 'staff')).res.headers.get('set-cookie')).toMatch(/Secure/)
  })

  it('ends when it expires, and when a credential changes', async () => {
    const a = app(CREDENTIALS)
    const { cookie } = await signIn(a, 'staff')
    expect(await (await a.request('/who', { headers: { cookie } })).json()).toMatchObject({
      role: 'staff',
    })
    // Another gateway with the same credentials (a replica, a restart) accepts it.
    const again = app({ ...CREDENTIALS })
    expect(await (await again.request('/who', { headers: { cookie } })).json()).not.toBeNull()
    // A changed credential signs everyone out.
    const rotated = app({ ...CREDENTIALS, staffToken: 'a-new-staff-credential-42' })
    expect(await (await rotated.request('/who', { headers: { cookie } })).json()).toBeNull()
    // Past its hours, it is over.
    vi.useFakeTimers({ now: Date.now() + SESSION_HOURS * 3_600_000 + 1000 })
    expect(await (await a.request('/who', { headers: { cookie } })).json()).toBeNull()
  })

  it('refuses a cookie whose role or expiry was edited', async () => {
    const a = app(CREDENTIALS)
    const { cookie } = await signIn(a, 'staff')
    const forged = cookie.replace('staff.', 'admin.')
    expect(forged).not.toBe(cookie)
    expect(await (await a.request('/who', { headers: { cookie: forged } })).json()).toBeNull()
  })

  it('lets a change with a session through only from this site’s pages', async () => {
    const a = app(CREDENTIALS)
    const { cookie } = await signIn(a, 'admin')
    const move = (headers: Record<string, string>) =>
      a.request('http://localhost:8080/kitchen/move', { method: 'POST', headers })
    expect(
      (await move({ cookie, origin: 'http://localhost:8080', host: 'localhost:8080' })).status,
    ).toBe(200)
    expect((await move({ cookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200)
    expect(
      (await move({ cookie, origin: 'http://localhost:3000', host: 'localhost:8080' })).status,
    ).toBe(403)
    expect((await move({ cookie, origin: 'null', host: 'localhost:8080' })).status).toBe(403)
    expect((await move({ cookie })).status).toBe(403)
    // A Bearer credential is no session a page could be tricked into sending.
    const bearer = { authorization: `Bearer ${CREDENTIALS.staffToken}` }
    expect(await (await move(bearer)).json()).toEqual({ by: 'staff' })
  })
})
