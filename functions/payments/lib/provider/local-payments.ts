/**
 * Local payments, used when STRIPE_SECRET_KEY is unset: checkout sessions are documents of the
 * payments domain (so they survive restarts with MONGODB_URI, and any payments process serves
 * them), and their payment link opens the local checkout page (local-checkout.ts), whose
 * buttons deliver webhooks signed exactly as Stripe signs them. The webhook function cannot
 * tell the difference.
 */
import { createHash } from 'node:crypto'
import type { Collection } from '../../../../runtime/ports/documents.ts'
import { signedCheckoutEvent } from './checkout-event.ts'
import type { CheckoutRequest, LocalSession, Payments } from './provider.ts'
import { verifyStripeWebhook } from './verify-webhook.ts'

export interface SessionDoc extends Omit<LocalSession, 'id' | 'lines'> {
  _id: string
  lines: LocalSession['lines'][number][]
}

/** One session per order: its id is derived from the order's, so creating it twice is one session. */
const sessionIdOf = (orderId: string) =>
  `cs_local_${createHash('sha256').update(orderId).digest('hex').slice(0, 24)}`

const toSession = ({ _id, ...rest }: SessionDoc): LocalSession => ({ id: _id, ...rest })

export function localPayments(options: {
  publicUrl: string
  webhookSecret: string
  sessions: Collection<SessionDoc>
}): Payments {
  const { sessions } = options
  const url = (id: string) => `${options.publicUrl}/checkout/${id}`
  return {
    kind: 'local',
    async createCheckoutSession(request: CheckoutRequest) {
      const id = sessionIdOf(request.orderId)
      const { traceParent, ...fields } = request
      await sessions.insert({
        _id: id,
        ...fields,
        ...(traceParent && { traceParent }),
        lines: request.lines.map((l) => ({ ...l })),
        status: 'open',
      })
      return { id, url: url(id) }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
    local: {
      async session(id) {
        const doc = await sessions.get(id)
        return doc && toSession(doc)
      },
      signedEvent: (session, outcome) =>
        signedCheckoutEvent(session, outcome, options.webhookSecret),
      async settle(id, outcome) {
        await sessions.update(
          id,
          { set: { status: outcome === 'paid' ? 'complete' : 'expired' } },
          { where: { status: 'open' } },
        )
      },
    },
  }
}
