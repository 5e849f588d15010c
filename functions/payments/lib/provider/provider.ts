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
  /** When the order expires unpaid (RFC 3339): the session stops being payable then. */
  expiresAt?: string
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
    /** The PaymentIntent the session charged (what a refund gives back). */
    paymentIntent?: string
    metadata: Record<string, string>
  }
}

/** The session a payments process opened for an order, as it recorded it. */
export interface OrderSession {
  sessionId: string
  customerId: string
}

/** A payment to give back: the order's, through its checkout session. */
export interface RefundRequest {
  orderId: string
  /** The checkout session paid. */
  sessionId: string
  /** The PaymentIntent, when the webhook told it (else looked up from the session). */
  paymentIntent?: string
}

/** A local checkout session, as the local checkout page shows it. */
export interface LocalSession extends CheckoutRequest {
  id: string
  status: 'open' | 'complete' | 'expired' | 'refunded'
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
  /** Records the outcome once the webhook accepted it (on the session as read: one write). */
  settle(session: LocalSession, outcome: CheckoutOutcome): Promise<void>
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
  /** The session opened for the order, if any: the webhook checks an event's session against it. */
  sessionOf(orderId: string): Promise<OrderSession | undefined>
  /** Gives the payment back, once however often it is asked (an idempotency key per order). */
  refund(request: RefundRequest): Promise<{ refundId: string }>
  /** Verifies the Stripe-Signature over the raw body; throws INVALID_SIGNATURE. */
  verifyWebhook(rawBody: string, signature: string | undefined): Promise<PaymentEvent>
}
