// Trigger: HTTP /api/staff/session — the staff's sign-in: a credential (the admin's, or the
// kitchen staff's STAFF_TOKEN) for a session cookie; who is signed in; sign-out.
import { setTimeout as sleep } from 'node:timers/promises'
import { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import { gateway } from './domain.ts'
import { signInBody } from './lib/api-schemas.ts'
import { endSession, roleOf, sessionOf, startSession } from './lib/staff-session.ts'
import { jsonBody } from './lib/validate.ts'

/** A wrong credential is answered after this pause (ms), so guessing is slow. */
export const WRONG_CREDENTIAL_PAUSE_MS = 400

export default gateway.http((ctx) => {
  const credentials = ctx.settings
  const enabled = Boolean(credentials.adminToken || credentials.staffToken)
  return new Hono()
    .post('/api/staff/session', async (c) => {
      if (!enabled)
        throw new DomainError(
          'UNAUTHORIZED',
          'staff sign-in is off: set STAFF_TOKEN or ADMIN_TOKEN to enable it',
        )
      const { credential } = await jsonBody(c, signInBody)
      const role = roleOf(credential, credentials)
      if (!role) {
        await sleep(WRONG_CREDENTIAL_PAUSE_MS)
        throw new DomainError('UNAUTHORIZED', 'that credential is not right')
      }
      return c.json(await startSession(c, role, credentials, ctx.publicUrl))
    })
    .get('/api/staff/session', async (c) => {
      const session = await sessionOf(c, credentials)
      if (!session) throw new DomainError('UNAUTHORIZED', 'not signed in')
      return c.json(session)
    })
    .delete('/api/staff/session', (c) => {
      endSession(c, ctx.publicUrl)
      return c.body(null, 204)
    })
})
