/** What a verified Stripe event means for an order, if anything. */

import type { EventBody } from '../../../shared/events.ts'
import type { PaymentEvent } from './provider/provider.ts'

export type Outcome =
  | { kind: 'paid' }
  | { kind: 'cancelled'; reason: EventBody<'order.cancelled'>['reason'] }
  | { kind: 'ignored'; why: string }

export function paymentOutcome(event: PaymentEvent): Outcome {
  switch (event.type) {
    case 'checkout.session.completed':
      // A delayed payment method completes the session unpaid; its result comes later.
      return event.session?.paymentStatus === 'paid'
        ? { kind: 'paid' }
        : { kind: 'ignored', why: `completed with payment_status ${event.session?.paymentStatus}` }
    case 'checkout.session.async_payment_succeeded':
      return { kind: 'paid' }
    case 'checkout.session.expired':
      return { kind: 'cancelled', reason: 'checkout_expired' }
    case 'checkout.session.async_payment_failed':
      return { kind: 'cancelled', reason: 'payment_failed' }
    default:
      return { kind: 'ignored', why: `event type ${event.type} is not handled` }
  }
}
