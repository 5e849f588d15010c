/**
 * The events the domains exchange: one topic each, with its JSON schema. Every event carries
 * an event id, the order id, the customer id and a timestamp; some carry more.
 */
import * as z from 'zod'
import { type EventOf, topic } from '../runtime/model/topic.ts'

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
  }),
)
export const orderPaid = topic(
  'order.paid',
  z.object({ ...base, paymentId: z.string().optional() }),
)
export const orderCancelled = topic(
  'order.cancelled',
  z.object({ ...base, reason: z.enum(['customer', 'checkout_expired', 'payment_failed']) }),
)
export const orderReady = topic('order.ready', z.object(base))

/** Every topic by its name. */
export const TOPICS = {
  'order.created': orderCreated,
  'order.paid': orderPaid,
  'order.cancelled': orderCancelled,
  'order.ready': orderReady,
} as const

export type EventName = keyof typeof TOPICS
export type EventBody<E extends EventName> = EventOf<(typeof TOPICS)[E]>
