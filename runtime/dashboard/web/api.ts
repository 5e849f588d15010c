/**
 * The page's calls to its process: JSON under the operator routes' prefix, with the admin token
 * as a bearer when one was entered (kept in sessionStorage: gone with the tab).
 */

const TOKEN_KEY = 'oms.dashboard.token'

export const prefix = document.body.dataset.prefix ?? '/_oms'

/** The process did not let this page in: it needs the admin token (or a caller on its host). */
export class NotLetIn extends Error {
  override name = 'NotLetIn'
}

export function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function storeToken(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token)
    else sessionStorage.removeItem(TOKEN_KEY)
  } catch {}
}

/** GET or POST `path` (under the prefix) and parse its JSON; errors carry the answer's message. */
export async function call<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const token = storedToken()
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${prefix}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  // The operator routes answer 404 to whoever they do not let in (they are not advertised).
  if (res.status === 401 || res.status === 404) throw new NotLetIn(`HTTP ${res.status}`)
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    throw new Error(`HTTP ${res.status}: not JSON`)
  }
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message
    throw new Error(message ?? `HTTP ${res.status}`)
  }
  return json as T
}
