/** How each order status reads to a customer, and the steps of the progress indicator. */
import type { OrderStatus } from './api.ts'

/** The happy path, in order. */
export const STEPS: readonly { status: OrderStatus; label: string }[] = [
  { status: 'pending', label: 'Placed' },
  { status: 'paid', label: 'Paid' },
  { status: 'preparing', label: 'Preparing' },
  { status: 'ready', label: 'Ready' },
  { status: 'collected', label: 'Collected' },
]

/** Short labels, for badges. */
export const BADGES: Readonly<Record<OrderStatus, string>> = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  preparing: 'Preparing',
  ready: 'Ready for pickup',
  collected: 'Collected',
  cancelled: 'Cancelled',
}

/** States an order never leaves (a cancelled order's refund still moves until it is made). */
export function isFinal(status: string, refund?: { status: string } | null): boolean {
  return status === 'collected' || (status === 'cancelled' && refund?.status !== 'requested')
}

/** What a cancelled order says of a payment that arrived after the cancel. */
export function refundLine(refund: { status: string }): string {
  return refund.status === 'refunded'
    ? 'This order was cancelled. Your payment has been refunded.'
    : 'This order was cancelled after your payment went through: it is being refunded.'
}

export function badgeOf(status: string): string {
  return BADGES[status as OrderStatus] ?? status
}

/** Each step's state for a status: done, current or todo (all todo when cancelled). */
export function stepStates(status: string): ('done' | 'current' | 'todo')[] {
  const at = STEPS.findIndex((s) => s.status === status)
  return STEPS.map((_, i) =>
    at < 0 ? 'todo' : i < at || at === STEPS.length - 1 ? 'done' : i === at ? 'current' : 'todo',
  )
}

/** What checkout said when it sent the customer back (`?checkout=`). */
export type CheckoutReturn = 'success' | 'cancelled' | 'opened' | undefined

/**
 * How long an order back from checkout's Cancel may stay pending before the page offers Pay
 * and Cancel again (ms): Stripe's back arrow also lands there, with the session still open.
 */
export const CANCEL_SETTLE_MS = 4000

/** The status line under the order number; `waitedMs` is the time since arriving. */
export function statusLine(
  status: string,
  checkout: CheckoutReturn,
  hasPaymentLink: boolean,
  waitedMs = 0,
) {
  switch (status) {
    case 'pending':
      if (checkout === 'success') return 'Payment received. Confirming it with the counter…'
      if (checkout === 'cancelled')
        return waitedMs < CANCEL_SETTLE_MS
          ? 'Checkout cancelled. Updating your order…'
          : 'Not paid yet. Pay now, or cancel the order.'
      if (checkout === 'opened') return 'Waiting for payment.'
      return hasPaymentLink ? 'Taking you to checkout…' : 'Preparing your checkout…'
    case 'paid':
      return 'Paid. Your order is with the kitchen.'
    case 'preparing':
      return 'The kitchen is preparing your order.'
    case 'ready':
      return 'Ready for pickup!'
    case 'collected':
      return 'Collected. Enjoy your meal!'
    case 'cancelled':
      return 'This order was cancelled.'
  }
  return `Status: ${status}`
}
