/**
 * Local payments, used when STRIPE_SECRET_KEY is unset: checkout sessions live in memory and
 * their payment link opens the local checkout page (functions/payments/local-checkout.ts),
 * whose buttons deliver webhooks signed exactly as Stripe signs them. The webhook function
 * cannot tell the difference.
 */
import { randomBytes } from 'node:crypto'
import type { LocalSession, Payments } from '../../../ports/payments.ts'
import { verifyStripeWebhook } from '../verify-webhook.ts'
import { signedCheckoutEvent } from './checkout-event.ts'

export function localPayments(options: { publicUrl: string; webhookSecret: string }): Payments {
  const sessions = new Map<string, LocalSession>()
  const byOrder = new Map<string, string>()
  const url = (id: string) => `${options.publicUrl}/checkout/${id}`
  return {
    kind: 'local',
    async createCheckoutSession(request) {
      const existing = byOrder.get(request.orderId)
      if (existing) return { id: existing, url: url(existing) }
      const id = `cs_local_${randomBytes(12).toString('hex')}`
      sessions.set(id, { ...request, lines: [...request.lines], id, status: 'open' })
      byOrder.set(request.orderId, id)
      return { id, url: url(id) }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
    local: {
      session: (id) => sessions.get(id),
      signedEvent: (session, outcome) =>
        signedCheckoutEvent(session, outcome, options.webhookSecret),
      settle(id, outcome) {
        const session = sessions.get(id)
        if (session) session.status = outcome === 'paid' ? 'complete' : 'expired'
      },
    },
  }
}
