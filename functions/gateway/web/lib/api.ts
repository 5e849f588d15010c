/** The public JSON API as the browser calls it; every failure becomes an ApiError. */
// Types only (erased from the bundle): the shapes the API's schemas describe.
import type { PublicMenuEntry, PublicOrder } from '../../lib/api-schemas.ts'

export type Order = PublicOrder
export type OrderStatus = PublicOrder['status']
export type MenuItem = PublicMenuEntry

/** Longest wait for an answer before giving up (ms). */
export const REQUEST_TIMEOUT_MS = 15_000

/**
 * A failed call. `code` is the API's error code, or NETWORK (no answer), or HTTP (an answer
 * that is not the API's error shape, e.g. a proxy's 502 page); `status` is 0 without an answer.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

function errorOf(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error
  if (error && typeof error.code === 'string') {
    const message = typeof error.message === 'string' ? error.message : error.code
    return new ApiError(status, error.code, message, error.details)
  }
  return new ApiError(status, 'HTTP', `HTTP ${status}`)
}

/** A JSON call of this site's API (cookies go along: same origin); 204 answers undefined. */
export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response
  let text: string
  try {
    res = await fetch(path, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
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
  if (!res.ok) throw errorOf(res.status, body)
  if (res.status === 204) return undefined as T
  if (body === undefined) throw new ApiError(res.status, 'HTTP', 'the answer was not JSON')
  return body as T
}

const orders = (customerId: string) => `/api/customers/${encodeURIComponent(customerId)}/orders`
const order = (customerId: string, orderId: string) =>
  `${orders(customerId)}/${encodeURIComponent(orderId)}`

export const api = {
  menu: () => call<{ items: MenuItem[] }>('/api/menu'),
  /** `idempotencyKey`: one per order meant; the same again when retrying that submission. */
  placeOrder: (
    customerId: string,
    items: { id: string; quantity: number }[],
    idempotencyKey: string,
  ) =>
    call<{ order: Order; redirectToURL: string }>(orders(customerId), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({ items }),
    }),
  orders: (customerId: string) => call<{ orders: Order[] }>(orders(customerId)),
  order: (customerId: string, orderId: string) =>
    call<{ order: Order }>(order(customerId, orderId)),
  cancel: (customerId: string, orderId: string) =>
    call<{ order: Order }>(`${order(customerId, orderId)}/cancel`, { method: 'POST' }),
}
