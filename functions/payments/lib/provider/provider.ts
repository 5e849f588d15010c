/** The payment provider, as the payments domain uses it: create a hosted checkout and verify its webhooks. */

export interface CheckoutLine {
  priceId: string
  name: string
  quantity: number
  unitAmount: number
}

export interface CheckoutRequest {
  orderId: string
  customerId: string
  currency: string
  lines: readonly CheckoutLine[]
  successUrl: string
  cancelUrl: string
  /** The order's W3C traceparent, kept in the session's metadata for the webhook to link to. */
  traceParent?: string
}

export interface CheckoutSession {
  id: string
  url: string
}

/** The part of a verified webhook event the system acts on. */
export interface PaymentEvent {
  id: string
  type: string
  session?: {
    id: string
    paymentStatus?: string
    metadata: Record<string, string>
  }
}

/** A local checkout session, as the local checkout page shows it. */
export interface LocalSession extends CheckoutRequest {
  id: string
  status: 'open' | 'complete' | 'expired'
}

export type CheckoutOutcome = 'paid' | 'cancelled'

/**
 * The embedded stand-in for Stripe Checkout (when STRIPE_SECRET_KEY is unset): sessions, and
 * the Stripe events their Pay and Cancel buttons send, signed as Stripe signs them.
 */
export interface LocalCheckout {
  session(id: string): Promise<LocalSession | undefined>
  /** The signed `checkout.session.completed` / `.expired` event for the session. */
  signedEvent(
    session: LocalSession,
    outcome: CheckoutOutcome,
  ): Promise<{ payload: string; signature: string }>
  /** Records the outcome once the webhook accepted it. */
  settle(id: string, outcome: CheckoutOutcome): Promise<void>
}

export interface Payments {
  readonly kind: 'stripe' | 'local'
  /** Present only on local payments. */
  readonly local?: LocalCheckout
  /** Creates (or, for the same order, returns again) a checkout session. */
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession>
  /**
   * Makes the order's checkout session unpayable (its order was cancelled): `expired` when it
   * was open, `not-open` when it was already paid or expired, `none` when the order has none.
   */
  expireCheckoutSession(orderId: string): Promise<'expired' | 'not-open' | 'none'>
  /** Verifies the Stripe-Signature over the raw body; throws INVALID_SIGNATURE. */
  verifyWebhook(rawBody: string, signature: string | undefined): Promise<PaymentEvent>
}
