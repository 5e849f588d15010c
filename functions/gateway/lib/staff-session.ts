/**
 * Sign-in for the counter's staff: the kitchen display and the back office. A credential
 * (ADMIN_TOKEN for the admin, STAFF_TOKEN for the kitchen's staff) is exchanged once for a
 * session cookie: HttpOnly, SameSite=Strict, Secure behind https, signed (HMAC, hono's signed
 * cookies) with a key made from the credentials, so every gateway replica and a restarted one
 * accept it, and changing a credential signs everyone out. It carries the role and its expiry
 * (SESSION_HOURS). API clients may send the credential as `Authorization: Bearer` instead.
 * A request authenticated by the cookie that changes something must come from this site's own
 * pages (its Origin is this host), so no other page — another port of localhost included —
 * can make a signed-in browser act.
 */
import { createHash } from 'node:crypto'
import type { Context as HonoContext, MiddlewareHandler } from 'hono'
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie'
import type { UserRole } from '../../../runtime/grpc/caller.ts'
import { hasBearer, sameSecret } from '../../../runtime/http/bearer.ts'
import { DomainError } from '../../../shared/errors.ts'

export const SESSION_COOKIE = 'oms_staff_session'
/** How long a sign-in lasts: a long shift. */
export const SESSION_HOURS = 12

export interface Credentials {
  adminToken?: string | undefined
  staffToken?: string | undefined
}

/** The role a credential signs in as; undefined for a wrong one. */
export function roleOf(credential: string, { adminToken, staffToken }: Credentials) {
  if (sameSecret(credential, adminToken)) return 'admin' as const
  if (sameSecret(credential, staffToken)) return 'staff' as const
  return undefined
}

/** The key sessions are signed with; undefined when no credential is set (sign-in is off). */
function sessionKey({ adminToken, staffToken }: Credentials): string | undefined {
  if (!adminToken && !staffToken) return undefined
  return createHash('sha256')
    .update(`oms staff session\0${adminToken ?? ''}\0${staffToken ?? ''}`)
    .digest('base64url')
}

const secureSite = (c: HonoContext, publicUrl: string) =>
  publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:'

/** Starts a session for `role` (the answer sets its cookie). */
export async function startSession(
  c: HonoContext,
  role: UserRole,
  credentials: Credentials,
  publicUrl: string,
): Promise<StaffSession> {
  const key = sessionKey(credentials) as string
  const expires = Date.now() + SESSION_HOURS * 3_600_000
  await setSignedCookie(c, SESSION_COOKIE, `${role}.${expires}`, key, {
    path: '/',
    httpOnly: true,
    sameSite: 'Strict',
    secure: secureSite(c, publicUrl),
    maxAge: SESSION_HOURS * 3600,
  })
  return { role, expiresAt: new Date(expires).toISOString() }
}

export function endSession(c: HonoContext, publicUrl: string): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureSite(c, publicUrl) })
}

export interface StaffSession {
  role: UserRole
  expiresAt: string
}

/** The request's session, if its cookie is valid and unexpired. */
export async function sessionOf(
  c: HonoContext,
  credentials: Credentials,
): Promise<StaffSession | undefined> {
  const key = sessionKey(credentials)
  if (!key) return undefined
  const value = await getSignedCookie(c, key, SESSION_COOKIE)
  if (!value) return undefined
  const [role, expires] = value.split('.')
  const until = Number(expires)
  if (!(until > Date.now())) return undefined
  const expiresAt = new Date(until).toISOString()
  if (role === 'admin' && credentials.adminToken) return { role: 'admin', expiresAt }
  if (role === 'staff' && credentials.staffToken) return { role: 'staff', expiresAt }
  return undefined
}

/** Whether a request comes from this site's own pages (its Origin names this host). */
function fromOwnPages(c: HonoContext): boolean {
  const origin = c.req.header('origin')
  if (origin === undefined) return c.req.header('sec-fetch-site') === 'same-origin'
  try {
    return new URL(origin).host === (c.req.header('host') ?? new URL(c.req.url).host)
  } catch {
    return false
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface StaffOnlyOptions {
  credentials: Credentials
  /** `admin`: the admin only; `staff`: the kitchen's staff or the admin. */
  role: UserRole
  /** Why requests are refused while no credential for the role is set. */
  off: string
}

/**
 * Middleware: lets in a request of a signed-in session or with the credential as a Bearer
 * token, with at least `role`; 401 UNAUTHORIZED otherwise, 403 FORBIDDEN for a change that
 * does not come from this site's pages. The role is kept as `c.get('staffRole')`.
 */
export function staffOnly({ credentials, role, off }: StaffOnlyOptions): MiddlewareHandler {
  const { adminToken, staffToken } = credentials
  const enabled = role === 'admin' ? Boolean(adminToken) : Boolean(adminToken || staffToken)
  return async (c, next) => {
    if (!enabled) throw new DomainError('UNAUTHORIZED', off)
    const header = c.req.header('authorization')
    let granted: UserRole | undefined
    if (header !== undefined) {
      if (hasBearer(header, adminToken)) granted = 'admin'
      else if (hasBearer(header, staffToken)) granted = 'staff'
    } else {
      granted = (await sessionOf(c, credentials))?.role
      if (granted && !SAFE_METHODS.has(c.req.method) && !fromOwnPages(c))
        throw new DomainError(
          'FORBIDDEN',
          'a change with a session must come from this site’s pages',
        )
    }
    if (!granted)
      throw new DomainError(
        'UNAUTHORIZED',
        role === 'admin'
          ? 'sign in with the admin credential (or send Authorization: Bearer ...)'
          : 'sign in with the staff or admin credential (or send Authorization: Bearer ...)',
      )
    if (role === 'admin' && granted !== 'admin')
      throw new DomainError('FORBIDDEN', 'this needs the admin credential')
    c.set('staffRole', granted)
    await next()
  }
}

declare module 'hono' {
  interface ContextVariableMap {
    /** Who `staffOnly` let in. */
    staffRole: UserRole
  }
}
