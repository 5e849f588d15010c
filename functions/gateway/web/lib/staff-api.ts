/** The staff's sign-in, as the staff's screens call it (the session is an HttpOnly cookie). */
import { ApiError } from './api.ts'

export type StaffRole = 'admin' | 'staff'

export interface StaffSession {
  role: StaffRole
  expiresAt: string
}

/** A JSON call of the staff's API; every failure becomes an ApiError (as api.ts's do). */
export async function staffCall<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response
  let text: string
  try {
    res = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(15_000),
    })
    text = await res.text()
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err))
  }
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
      ?.error
    if (error && typeof error.code === 'string')
      throw new ApiError(
        res.status,
        error.code,
        typeof error.message === 'string' ? error.message : error.code,
        error.details,
      )
    throw new ApiError(res.status, 'HTTP', `HTTP ${res.status}`)
  }
  return body as T
}

export const staffApi = {
  /** The session of this browser, or undefined when not signed in. */
  async session(): Promise<StaffSession | undefined> {
    try {
      return await staffCall<StaffSession>('/api/staff/session')
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return undefined
      throw err
    }
  },
  signIn: (credential: string) =>
    staffCall<StaffSession>('/api/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential }),
    }),
  signOut: () => staffCall<undefined>('/api/staff/session', { method: 'DELETE' }).catch(() => {}),
}
