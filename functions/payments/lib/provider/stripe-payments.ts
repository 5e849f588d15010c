/**
 * Stripe payments, used when STRIPE_SECRET_KEY is set: Checkout Sessions through the Stripe
 * API (STRIPE_API_BASE may point at a local Stripe API server), webhooks verified with the
 * configured signing secret.
 */
import Stripe from 'stripe'
import type { Collection } from '../../../../runtime/ports/documents.ts'
import type { Payments } from './provider.ts'
import { verifyStripeWebhook } from './verify-webhook.ts'

export interface StripePaymentsOptions {
  secretKey: string
  webhookSecret: string
  /** e.g. http://localhost:12111 for stripe-mock (default: Stripe's API). */
  apiBase?: string
  /** Each order's Checkout Session id, so a cancelled order's session can be expired. */
  sessions: Collection<StripeSessionDoc>
}

/** An order's Stripe Checkout Session: `_id` is the order id. */
export interface StripeSessionDoc {
  _id: string
  sessionId: string
}

export function stripePayments(options: StripePaymentsOptions): Payments {
  const base = options.apiBase ? new URL(options.apiBase) : undefined
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(base && {
      host: base.hostname,
      port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
      protocol: base.protocol === 'https:' ? 'https' : 'http',
    }),
  })
  return {
    kind: 'stripe',
    async createCheckoutSession(request) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: request.lines.map((l) => ({ price: l.priceId, quantity: l.quantity })),
          metadata: {
            orderId: request.orderId,
            customerId: request.customerId,
            ...(request.traceParent && { traceparent: request.traceParent }),
          },
          payment_intent_data: {
            metadata: { orderId: request.orderId, customerId: request.customerId },
          },
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
        },
        // A retried consumer gets the same session back instead of a second one.
        { idempotencyKey: `checkout-${request.orderId}` },
      )
      if (!session.url)
        throw new Error(`Stripe returned checkout session ${session.id} without a url`)
      await options.sessions.insert({ _id: request.orderId, sessionId: session.id })
      return { id: session.id, url: session.url }
    },
    async expireCheckoutSession(orderId) {
      const doc = await options.sessions.get(orderId)
      if (!doc) return 'none'
      try {
        await stripe.checkout.sessions.expire(doc.sessionId, undefined, {
          idempotencyKey: `expire-${orderId}`,
        })
        return 'expired'
      } catch (err) {
        // Stripe refuses to expire a session that is no longer open (paid, or expired).
        if (err instanceof Stripe.errors.StripeInvalidRequestError) return 'not-open'
        throw err
      }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
  }
}
