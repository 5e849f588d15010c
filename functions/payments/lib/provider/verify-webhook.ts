/**
 * Verifies a Stripe webhook with Stripe's own library (signature over the raw body, with
 * the default 5-minute tolerance) and keeps the fields the system acts on.
 */
import type Stripe from 'stripe'
import * as z from 'zod'
import { DomainError } from '../../../../shared/errors.ts'
import { zodDetails } from '../../../../shared/zod-details.ts'
import { loadStripe } from './load-stripe.ts'
import type { PaymentEvent } from './provider.ts'

/** What a signed body must be before it is acted on: an event, and for a session its fields. */
const eventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({ object: z.looseObject({ object: z.string().optional() }) }),
})
const sessionSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('checkout.session'),
  payment_status: z.string().optional(),
  // An id, or the PaymentIntent itself when expanded.
  payment_intent: z.union([z.string(), z.looseObject({ id: z.string() })]).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
})

/** The schema's output, or INVALID_REQUEST naming what is wrong (signed is not well-formed). */
function wellFormed<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new DomainError(
      'INVALID_REQUEST',
      'webhook body is not a well-formed Stripe event',
      zodDetails(parsed.error),
    )
  return parsed.data
}

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
  const { id, type, data } = wellFormed(eventSchema, event as unknown)
  if (data.object.object !== 'checkout.session') return { id, type }
  const session = wellFormed(sessionSchema, data.object)
  return {
    id,
    type,
    session: {
      id: session.id,
      paymentStatus: session.payment_status,
      ...(session.payment_intent && {
        paymentIntent:
          typeof session.payment_intent === 'string'
            ? session.payment_intent
            : session.payment_intent.id,
      }),
      metadata: session.metadata ?? {},
    },
  }
}
