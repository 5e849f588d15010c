/**
 * Verifies a Stripe webhook with Stripe's own library (signature over the raw body, with
 * the default 5-minute tolerance) and keeps the fields the system acts on.
 */
import type Stripe from 'stripe'
import { DomainError } from '../../../../shared/errors.ts'
import { loadStripe } from './load-stripe.ts'
import type { PaymentEvent } from './provider.ts'

export async function verifyStripeWebhook(
  rawBody: string,
  signature: string | undefined,
  secret: string,
): Promise<PaymentEvent> {
  if (!signature) throw new DomainError('INVALID_SIGNATURE', 'missing Stripe-Signature header')
  const { webhooks } = await loadStripe()
  let event: Stripe.Event
  try {
    event = await webhooks.constructEventAsync(rawBody, signature, secret)
  } catch (err) {
    // Stripe verifies the signature first, then parses: a SyntaxError means a signed non-JSON body.
    if (err instanceof SyntaxError)
      throw new DomainError('INVALID_REQUEST', 'webhook body is not JSON')
    const reason = err instanceof Error ? err.message.split('\n')[0] : 'unverifiable'
    throw new DomainError('INVALID_SIGNATURE', `webhook signature rejected: ${reason}`)
  }
  const object = event.data?.object as unknown as Record<string, unknown> | undefined
  if (object?.object !== 'checkout.session') return { id: event.id, type: event.type }
  const metadata = (object.metadata ?? {}) as Record<string, string>
  return {
    id: event.id,
    type: event.type,
    session: {
      id: String(object.id),
      paymentStatus: typeof object.payment_status === 'string' ? object.payment_status : undefined,
      metadata,
    },
  }
}
