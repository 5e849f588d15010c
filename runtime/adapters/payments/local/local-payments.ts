/**
 * Local payments, used when STRIPE_SECRET_KEY is unset: checkout sessions live in memory and
 * their payment link opens the local checkout page, whose buttons deliver webhooks signed
 * exactly as Stripe signs them. The webhook function cannot tell the difference.
 */
import { randomBytes } from 'node:crypto'
import type { CheckoutRequest, Payments } from '../../../ports/payments.ts'
import { verifyStripeWebhook } from '../verify-webhook.ts'

export interface LocalSession extends CheckoutRequest {
  id: string
  status: 'open' | 'complete' | 'expired'
  createdAt: number
}

export interface LocalPayments extends Payments {
  readonly kind: 'local'
  readonly webhookSecret: string
  session(id: string): LocalSession | undefined
}

export function localPayments(options: {
  publicUrl: string
  webhookSecret: string
}): LocalPayments {
  const sessions = new Map<string, LocalSession>()
  const byOrder = new Map<string, string>()
  const url = (id: string) => `${options.publicUrl}/checkout/${id}`
  return {
    kind: 'local',
    webhookSecret: options.webhookSecret,
    async createCheckoutSession(request) {
      const existing = byOrder.get(request.orderId)
      if (existing) return { id: existing, url: url(existing) }
      const id = `cs_local_${randomBytes(12).toString('hex')}`
      sessions.set(id, {
        ...request,
        lines: [...request.lines],
        id,
        status: 'open',
        createdAt: Date.now(),
      })
      byOrder.set(request.orderId, id)
      return { id, url: url(id) }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
    session(id) {
      return sessions.get(id)
    },
  }
}
