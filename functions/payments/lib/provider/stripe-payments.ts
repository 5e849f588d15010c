/**
 * Stripe payments, used when STRIPE_SECRET_KEY is set: Checkout Sessions through the Stripe
 * API (STRIPE_API_BASE may point at a local Stripe API server), webhooks verified with the
 * configured signing secret.
 */
import Stripe from 'stripe'
import { RetryLater } from '../../../../runtime/model/retry-later.ts'
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
  customerId: string
}

/** Stripe keeps a session payable from 30 minutes to 24 hours after it is created. */
const MIN_LIFETIME_S = 30 * 60 + 60
const MAX_LIFETIME_S = 24 * 3600 - 60

/** The session's `expires_at`: the order's expiry, within what Stripe accepts. */
export function sessionExpiry(expiresAt: string | undefined, nowMs = Date.now()): number {
  const now = Math.floor(nowMs / 1000)
  const wanted = expiresAt ? Math.floor(Date.parse(expiresAt) / 1000) : now + MIN_LIFETIME_S
  return Math.min(Math.max(wanted, now + MIN_LIFETIME_S), now + MAX_LIFETIME_S)
}

/**
 * Stripe's client retries connection errors, 409, 5xx and whatever Stripe marks retryable; a
 * rate limit it gives up on is not a failure of the work either: it waits (RetryLater), with
 * the same idempotency key when it comes back.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof Stripe.errors.StripeRateLimitError)
      throw new RetryLater('Stripe API rate limit reached', 1_000)
    throw err
  }
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
  const payments: Payments = {
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
          // An order that expires unpaid is cancelled by orders, which expires its session; a
          // payment that still slips through is refunded.
          expires_at: sessionExpiry(request.expiresAt),
        },
        // A retried consumer gets the same session back instead of a second one.
        { idempotencyKey: `checkout-${request.orderId}` },
      )
      if (!session.url)
        throw new Error(`Stripe returned checkout session ${session.id} without a url`)
      await options.sessions.insert({
        _id: request.orderId,
        sessionId: session.id,
        customerId: request.customerId,
      })
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
    async sessionOf(orderId) {
      const doc = await options.sessions.get(orderId)
      return doc && { sessionId: doc.sessionId, customerId: doc.customerId }
    },
    async refund({ orderId, sessionId, paymentIntent }) {
      const intent =
        paymentIntent ?? (await stripe.checkout.sessions.retrieve(sessionId)).payment_intent
      const id = typeof intent === 'string' ? intent : intent?.id
      if (!id) throw new Error(`checkout session ${sessionId} has no payment to refund`)
      // One refund per order, however often this is retried (Stripe keeps the key 24 hours; a
      // later retry is refused as already refunded, which is the same answer).
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: id, reason: 'requested_by_customer', metadata: { orderId } },
          { idempotencyKey: `refund-${orderId}` },
        )
        return { refundId: refund.id }
      } catch (err) {
        if (
          err instanceof Stripe.errors.StripeInvalidRequestError &&
          err.code === 'charge_already_refunded'
        ) {
          const [refund] = (await stripe.refunds.list({ payment_intent: id, limit: 1 })).data
          if (refund) return { refundId: refund.id }
        }
        throw err
      }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
  }
  return {
    ...payments,
    createCheckoutSession: (request) => patiently(() => payments.createCheckoutSession(request)),
    expireCheckoutSession: (orderId) => patiently(() => payments.expireCheckoutSession(orderId)),
    refund: (request) => patiently(() => payments.refund(request)),
  }
}
