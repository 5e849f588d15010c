/**
 * Calls the operator routes (`/_oms/*`) of a running `oms dev` / `oms start` process, with
 * ADMIN_TOKEN as the bearer when set (needed unless the process is on this host under
 * `oms dev`). What cannot be reached, or does not serve them, is a CliError that says so.
 */
import { CliError } from './errors.ts'

/** How long one request to the process may take (default 10 s). */
export const REQUEST_TIMEOUT_MS = 10_000

export interface OpsClientOptions {
  /** Base URL of the process, e.g. http://127.0.0.1:8080. */
  url: string
  /** Sent as `Authorization: Bearer`, needed when the process is not on this host. */
  adminToken?: string
  timeoutMs?: number
}

export interface OpsAnswer<T> {
  status: number
  body: T
}

export interface OpsClient {
  readonly base: string
  /** The answer, whatever its status, parsed as JSON (404s that are not the routes' own throw). */
  call<T>(path: string, init?: RequestInit): Promise<OpsAnswer<T>>
  /** A JSON POST. */
  post<T>(path: string, body: unknown): Promise<OpsAnswer<T>>
}

/** The routes' error shape. */
export interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown }
}

export function opsClient({
  url,
  adminToken,
  timeoutMs = REQUEST_TIMEOUT_MS,
}: OpsClientOptions): OpsClient {
  const base = url.replace(/\/$/, '')
  const call = async <T>(path: string, init: RequestInit = {}): Promise<OpsAnswer<T>> => {
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
    const body = (await res.json().catch(() => undefined)) as T & ErrorBody
    // A route's own 404 says what it did not find (details) or what a handler answered
    // (outcome); the guard's and Hono's say nothing more.
    const own =
      typeof body === 'object' &&
      body !== null &&
      ('outcome' in body || body.error?.details !== undefined)
    if (res.status === 404 && !own) {
      throw new CliError(
        `${base} does not serve the ops routes: it is not an oms process serving HTTP, or it refuses ` +
          "callers that are not on its host (set ADMIN_TOKEN to the process's token)",
      )
    }
    return { status: res.status, body }
  }
  return {
    base,
    call,
    post: (path, body) =>
      call(path, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
  }
}

/** Throws the answer of a request that failed as a CliError naming the route. */
export function failed(client: OpsClient, path: string, answer: OpsAnswer<ErrorBody>): never {
  throw new CliError(
    `${client.base}${path} answered ${answer.status}: ${answer.body?.error?.message ?? 'no details'}`,
  )
}
