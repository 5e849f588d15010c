/**
 * The staff's sign-in: shows a credential form in `container` until a sign-in gives a session
 * of the role needed (an admin's serves the kitchen too), then resolves with it. Wires the
 * header's "Sign out" button.
 */
import { ApiError } from '../lib/api.ts'
import { h, show } from '../lib/dom.ts'
import { type StaffRole, type StaffSession, staffApi } from '../lib/staff-api.ts'

export interface SignInOptions {
  container: HTMLElement
  need: StaffRole
  /** What signing in opens, e.g. "the kitchen display". */
  opens: string
}

const enough = (session: StaffSession | undefined, need: StaffRole) =>
  session !== undefined && (need === 'staff' || session.role === 'admin')

function wireSignOut() {
  const button = document.getElementById('sign-out')
  if (!button) return
  button.hidden = false
  button.onclick = async () => {
    await staffApi.signOut()
    location.reload()
  }
}

function explain(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'UNAUTHORIZED')
      return err.message.includes('off')
        ? err.message
        : 'That credential is not right. Check it and try again.'
    if (err.code === 'INVALID_REQUEST') return 'Enter the credential first.'
    if (err.code === 'NETWORK')
      return 'The counter’s server does not answer. Check the network and try again.'
    return err.message
  }
  return String(err)
}

export async function signIn({ container, need, opens }: SignInOptions): Promise<StaffSession> {
  const current = await staffApi.session().catch(() => undefined)
  if (enough(current, need)) {
    wireSignOut()
    return current as StaffSession
  }
  return new Promise((resolve) => {
    const input = h('input', {
      id: 'credential',
      name: 'credential',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    })
    const error = h('div', { id: 'sign-in-error', class: 'alert', role: 'alert' })
    const button = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in')
    const who = need === 'admin' ? 'the admin credential' : 'the staff or admin credential'
    const form = h(
      'form',
      {
        class: 'sign-in',
        'aria-labelledby': 'sign-in-title',
        onsubmit: async (event: Event) => {
          event.preventDefault()
          button.disabled = true
          button.setAttribute('aria-busy', 'true')
          show(error)
          try {
            const session = await staffApi.signIn(input.value)
            if (!enough(session, need)) {
              await staffApi.signOut()
              throw new ApiError(403, 'FORBIDDEN', 'This needs the admin credential.')
            }
            wireSignOut()
            container.replaceChildren()
            resolve(session)
          } catch (err) {
            show(error, explain(err))
            input.select()
          } finally {
            button.disabled = false
            button.removeAttribute('aria-busy')
          }
        },
      },
      h('h1', { id: 'sign-in-title' }, 'Staff sign-in'),
      h('p', { class: 'muted' }, `Sign in with ${who} to open ${opens}.`),
      h('label', { for: 'credential' }, 'Credential', input),
      error,
      button,
    )
    show(container, form)
    input.focus()
  })
}
