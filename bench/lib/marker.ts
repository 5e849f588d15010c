/**
 * The end of an order load, seen from outside: one more order placed after the load, whose
 * payment link appears once payments has consumed its `order.created` — and so, the queue
 * being first in, first out, every order placed before it.
 */
import { ORDER_BODY, ordersUrl } from './orders.ts'

export interface MarkerOptions {
  /** Extra headers of each try of the marker's POST (e.g. a fresh Idempotency-Key). */
  headers?: () => Record<string, string>
  /** How often the order is read back (default 10 ms). */
  pollMs?: number
  /** How long the payment link may take (default 30 s). */
  timeoutMs?: number
}

export interface MarkerDone {
  /** Epoch ms when its payment link was seen. */
  at: number
  /** GETs of the order it took. */
  polls: number
  /** Tries of its POST that failed before one placed it. */
  failedPosts: number
  orderId: string
}

/** Places one order (trying again while refused) and resolves once payments has stored its payment link. */
export async function markerOrder(url: string, options: MarkerOptions = {}): Promise<MarkerDone> {
  const { headers = () => ({}), pollMs = 10, timeoutMs = 30_000 } = options
  const deadline = Date.now() + timeoutMs
  let failedPosts = 0
  let lastFailure = ''
  let order: { id: string } | undefined
  // A busy system may refuse an order (e.g. a call's deadline passed): the marker tries again.
  while (!order) {
    const res = await fetch(ordersUrl(url, 'marker'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers() },
      body: ORDER_BODY,
    })
    if (res.status === 201) order = ((await res.json()) as { order: { id: string } }).order
    else {
      failedPosts++
      lastFailure = `; the last failed POST: ${res.status} ${(await res.text()).slice(0, 200)}`
      if (Date.now() > deadline)
        throw new Error(`the marker order was not placed within ${timeoutMs} ms${lastFailure}`)
    }
  }
  let polls = 0
  while (Date.now() < deadline) {
    const got = await fetch(`${ordersUrl(url, 'marker')}/${order.id}`)
    polls++
    // A busy system may fail a read now and then: the marker waits on, and says so if it ends.
    if (got.ok) {
      const { order: now } = (await got.json()) as { order: { paymentLink: string | null } }
      if (now.paymentLink) return { at: Date.now(), polls, failedPosts, orderId: order.id }
    } else lastFailure = `; the last failed read: ${got.status} ${(await got.text()).slice(0, 200)}`
    await new Promise((resolve) => setTimeout(resolve, pollMs))
  }
  throw new Error(`the marker order got no payment link within ${timeoutMs} ms${lastFailure}`)
}
