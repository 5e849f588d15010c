/** The payments port: create a hosted checkout and verify its webhooks. */

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

export interface Payments {
  readonly kind: 'stripe' | 'local'
  /** Creates (or, for the same order, returns again) a checkout session. */
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSession>
  /** Verifies the Stripe-Signature over the raw body; throws INVALID_SIGNATURE. */
  verifyWebhook(rawBody: string, signature: string | undefined): Promise<PaymentEvent>
}
