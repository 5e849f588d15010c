/**
 * Parked messages held by a running `oms dev` / `oms start` process (the embedded bus lives
 * inside it), reached through its ops routes (runtime/http/ops-routes.ts).
 */
import type { ParkedMessage } from '../../ports/bus.ts'
import { CliError } from '../errors.ts'
import type { DlqSource } from './source.ts'

/** How long one request to the process may take (default 10 s). */
export const REQUEST_TIMEOUT_MS = 10_000

export interface HttpDlqOptions {
  /** Base URL of the process, e.g. http://127.0.0.1:8080. */
  url: string
  /** Sent as `Authorization: Bearer`, needed when the process is not on this host. */
  adminToken?: string
  timeoutMs?: number
}

export function httpDlq({
  url,
  adminToken,
  timeoutMs = REQUEST_TIMEOUT_MS,
}: HttpDlqOptions): DlqSource {
  const base = url.replace(/\/$/, '')
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const headers = new Headers(init.headers)
    if (adminToken) headers.set('authorization', `Bearer ${adminToken}`)
    let res: Response
    try {
      res = await fetch(`${base}${path}`, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message
      throw new CliError(
        `no oms process answers at ${base} (${cause}): start one with \`oms dev\` or \`oms start\`, or pass --url`,
      )
    }
    if (res.status === 404) {
      throw new CliError(
        `${base} does not serve the ops routes: it is not an oms process serving HTTP, or it refuses ` +
          "callers that are not on its host (set ADMIN_TOKEN to the process's token)",
      )
    }
    const body = (await res.json().catch(() => undefined)) as
      | { error?: { message?: string } }
      | undefined
    if (!res.ok)
      throw new CliError(
        `${base}${path} answered ${res.status}: ${body?.error?.message ?? 'no details'}`,
      )
    return body as T
  }

  return {
    where: base,
    async parked(fn) {
      const query = fn ? `?${new URLSearchParams({ function: fn })}` : ''
      return (await call<{ messages: ParkedMessage[] }>(`/_oms/dlq${query}`)).messages
    },
    async replay({ fn, id }) {
      const body = JSON.stringify({ function: fn, id })
      const init = { method: 'POST', body, headers: { 'content-type': 'application/json' } }
      return (await call<{ replayed: number }>('/_oms/dlq/replay', init)).replayed
    },
    async close() {},
  }
}
