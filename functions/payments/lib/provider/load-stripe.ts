/**
 * Stripe's library, imported on first use: only a process that signs or verifies a webhook
 * (payments) or calls the Stripe API loads it, not every domain that hosts local payments.
 */
import type Stripe from 'stripe'

let loading: Promise<typeof Stripe> | undefined

/** The Stripe class (its static `webhooks` helpers sign and verify). */
export function loadStripe(): Promise<typeof Stripe> {
  loading ??= import('stripe').then((m) => m.default)
  return loading
}
