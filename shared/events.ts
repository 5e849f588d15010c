/**
 * The events the domains exchange, with their JSON schemas. Every event carries an event id,
 * the order id, the customer id and a timestamp; some carry more.
 */
import * as z from 'zod'

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

export const EVENT_SCHEMAS = {
  'order.created': z.object({
    ...base,
    items: z.array(line).min(1),
    total: z.int().nonnegative(),
    currency: z.string().min(3),
  }),
  'order.paid': z.object({ ...base, paymentId: z.string().optional() }),
  'order.cancelled': z.object({
    ...base,
    reason: z.enum(['customer', 'checkout_expired', 'payment_failed']),
  }),
  'order.ready': z.object(base),
} as const

export type EventName = keyof typeof EVENT_SCHEMAS
export type EventBody<E extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[E]>
export const EVENT_NAMES = Object.keys(EVENT_SCHEMAS) as EventName[]

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(EVENT_SCHEMAS, value)
}
