/**
 * The payments domain's data: the Stripe events acted on (one document per event id, so each
 * is acted on once) and the local checkout's sessions.
 */
import { collection, data } from '../../runtime/model/data.ts'
import type { OutgoingEvent } from '../../runtime/ports/documents.ts'
import { SESSION_INDEX, type SessionDoc } from './lib/provider/local-payments.ts'
import type { StripeSessionDoc } from './lib/provider/stripe-payments.ts'

interface HandledEventDoc {
  _id: string
  /** When it was handled (epoch ms). */
  at: number
}

// The event a Stripe event causes is stored with its mark (the outbox): acted on exactly once.
const webhookEvents = collection<HandledEventDoc>('webhook_events', { outbox: true })
/** Each order's Stripe Checkout Session id (when STRIPE_SECRET_KEY is set). */
const stripeSessions = collection<StripeSessionDoc>('stripe_sessions')
const checkoutSessions = collection<SessionDoc>('checkout_sessions', {
  indexes: [{ name: SESSION_INDEX, fields: [['sessionId', 1]], unique: true }],
})

export const paymentsData = data({ webhookEvents, checkoutSessions, stripeSessions }, (c) => ({
  /** The local checkout's sessions (used when STRIPE_SECRET_KEY is unset). */
  sessions: c.checkoutSessions,
  /** Each order's Stripe Checkout Session id (used when STRIPE_SECRET_KEY is set). */
  stripeSessions: c.stripeSessions,
  webhookEvents: {
    /** Records the Stripe event as handled, with the events it causes; true the first time only. */
    markOnce: (eventId: string, events: readonly OutgoingEvent[] = []) =>
      c.webhookEvents.insert({ _id: eventId, at: Date.now() }, { events }),
  },
}))
