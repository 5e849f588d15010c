/**
 * The events the domains exchange: one topic each, with its JSON schema. Every event carries
 * an event id, the order id, the customer id and a timestamp; some carry more.
 */
import * as z from 'zod'
import { type EventOf, topic } from '../runtime/model/topic.ts'

/** Every event is about an order: its id is on every log line its handlers write. */
const about = { logKeys: ['orderId'] } as const

const base = {
  eventId: z.string().min(1),
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
}

const line = z.object({
  id: z.string().min(1),
  name: z.string(),
  quantity: z.int().positive(),
  priceId: z.string(),
  unitAmount: z.int().nonnegative(),
})

export const orderCreated = topic(
  'order.created',
  z.object({
    ...base,
    items: z.array(line).min(1),
    total: z.int().nonnegative(),
    currency: z.string().min(3),
    /** When the order is cancelled unless paid (RFC 3339); the checkout expires with it. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  about,
)
export const orderPaid = topic(
  'order.paid',
  z.object({
    ...base,
    /** The checkout session paid. */
    paymentId: z.string().optional(),
    /** The provider's payment (Stripe's PaymentIntent id): what a refund gives back. */
    paymentIntent: z.string().optional(),
  }),
  about,
)
export const orderCancelled = topic(
  'order.cancelled',
  z.object({
    ...base,
    reason: z.enum([
      'customer',
      'checkout_expired',
      'payment_failed',
      // ORDER_PAYMENT_TIMEOUT passed without a payment.
      'payment_timeout',
      // Its placing never finished (the process placing it failed while reserving).
      'not_placed',
    ]),
  }),
  about,
)
export const orderReady = topic('order.ready', z.object(base), about)
/** A payment arrived for an order already cancelled: payments gives it back. */
export const orderRefundRequested = topic(
  'order.refund-requested',
  z.object({
    ...base,
    /** The checkout session paid. */
    paymentId: z.string().min(1),
    paymentIntent: z.string().optional(),
  }),
  about,
)
/** The provider gave the payment back. */
export const orderRefunded = topic(
  'order.refunded',
  z.object({ ...base, paymentId: z.string().min(1), refundId: z.string().min(1) }),
  about,
)

/**
 * An order's status moved (to paid, preparing, ready or collected), stored with the write that
 * moved it: what live views (the kitchen display, the customer's order page) follow. It says
 * only what the move knew; a view reads the order for the rest.
 */
export const orderStatusChanged = topic(
  'order.status-changed',
  z.object({
    eventId: z.string().min(1),
    orderId: z.string().min(1),
    status: z.enum(['paid', 'preparing', 'ready', 'collected']),
    occurredAt: z.iso.datetime({ offset: true }),
  }),
  about,
)

/** Every topic by its name. */
export const TOPICS = {
  'order.created': orderCreated,
  'order.paid': orderPaid,
  'order.cancelled': orderCancelled,
  'order.ready': orderReady,
  'order.status-changed': orderStatusChanged,
  'order.refund-requested': orderRefundRequested,
  'order.refunded': orderRefunded,
} as const

export type EventName = keyof typeof TOPICS
export type EventBody<E extends EventName> = EventOf<(typeof TOPICS)[E]>
