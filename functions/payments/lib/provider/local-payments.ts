/**
 * Local payments, used when STRIPE_SECRET_KEY is unset: checkout sessions are documents of the
 * payments domain (so they survive restarts with MONGODB_URI, and any payments process serves
 * them), and their payment link opens the local checkout page (local-checkout.ts), whose
 * buttons deliver webhooks signed exactly as Stripe signs them. The webhook function cannot
 * tell the difference.
 */
import { randomUUID } from 'node:crypto'
import type { Collection } from '../../../../runtime/ports/documents.ts'
import { signedCheckoutEvent } from './checkout-event.ts'
import type { CheckoutRequest, LocalSession, Payments } from './provider.ts'
import { verifyStripeWebhook } from './verify-webhook.ts'

/** A checkout session, one per order: `_id` is the order id, so creating it twice is one session. */
export interface SessionDoc extends Omit<LocalSession, 'id' | 'lines'> {
  _id: string
  /** The session's own id, in its payment link: random, so a link cannot be guessed from an order. */
  sessionId: string
  lines: LocalSession['lines'][number][]
}

/** Finds a session by the id in its payment link. */
export const SESSION_INDEX = 'by_session'

const toSession = ({ _id, sessionId, ...rest }: SessionDoc): LocalSession => ({
  id: sessionId,
  ...rest,
})

export function localPayments(options: {
  publicUrl: string
  webhookSecret: string
  sessions: Collection<SessionDoc>
}): Payments {
  const { sessions } = options
  const url = (id: string) => `${options.publicUrl}/checkout/${id}`
  const find = async (sessionId: string) =>
    (await sessions.find(SESSION_INDEX, { where: { sessionId }, limit: 1 }))[0]
  return {
    kind: 'local',
    async createCheckoutSession(request: CheckoutRequest) {
      const { traceParent, ...fields } = request
      // 122 random bits; randomUUID draws from a buffered pool (randomBytes asks the system each time).
      const fresh = `cs_local_${randomUUID().replaceAll('-', '')}`
      const created = await sessions.insert({
        _id: request.orderId,
        sessionId: fresh,
        ...fields,
        ...(traceParent && { traceParent }),
        lines: request.lines.map((l) => ({ ...l })),
        status: 'open',
      })
      const id = created ? fresh : ((await sessions.get(request.orderId))?.sessionId ?? fresh)
      return { id, url: url(id) }
    },
    async expireCheckoutSession(orderId) {
      const expired = await sessions.update(
        orderId,
        { set: { status: 'expired' } },
        { where: { status: 'open' } },
      )
      if (expired) return 'expired'
      return (await sessions.get(orderId)) ? 'not-open' : 'none'
    },
    async sessionOf(orderId) {
      const doc = await sessions.get(orderId)
      return doc && { sessionId: doc.sessionId, customerId: doc.customerId }
    },
    async refund({ orderId }) {
      // The payment made on the local checkout page is given back: the session says so.
      await sessions.update(
        orderId,
        { set: { status: 'refunded' } },
        { where: { status: 'complete' } },
      )
      return { refundId: `re_local_${orderId.replaceAll('-', '')}` }
    },
    verifyWebhook(rawBody, signature) {
      return verifyStripeWebhook(rawBody, signature, options.webhookSecret)
    },
    local: {
      async session(id) {
        const doc = await find(id)
        return doc && toSession(doc)
      },
      signedEvent: (session, outcome) =>
        signedCheckoutEvent(session, outcome, options.webhookSecret),
      async settle(session, outcome) {
        await sessions.update(
          session.orderId,
          { set: { status: outcome === 'paid' ? 'complete' : 'expired' } },
          { where: { status: 'open' } },
        )
      },
    },
  }
}
