/** The staff's sign-in, as the staff's screens call it (the session is an HttpOnly cookie). */
import { ApiError, call } from './api.ts'

export type StaffRole = 'admin' | 'staff'

export interface StaffSession {
  role: StaffRole
  expiresAt: string
}

/** A JSON call of the staff's API: the session cookie goes along (same origin). */
export const staffCall = call

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
