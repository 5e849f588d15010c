/**
 * What a customer may order, checked in one place by the gateway, orders and stock: lines of
 * known-looking item ids and whole quantities, duplicate lines of one item merged (first-seen
 * order), and the limits applied to what is merged.
 */
import * as z from 'zod'
import { DomainError } from './errors.ts'
import { itemIdSchema } from './menu-item.ts'
import { zodDetails } from './zod-details.ts'

/** Most distinct lines in one order. */
export const MAX_ORDER_LINES = 20
/** Most units of one item in one order. */
export const MAX_LINE_QUANTITY = 50

export const orderLineSchema = z.strictObject({
  id: itemIdSchema,
  quantity: z.int().min(1).max(MAX_LINE_QUANTITY),
})

export type OrderLineInput = z.infer<typeof orderLineSchema>

/** Merges duplicate lines of the same item, keeping first-seen order. */
export function mergeLines(lines: readonly OrderLineInput[]): OrderLineInput[] {
  const merged = new Map<string, number>()
  for (const { id, quantity } of lines) merged.set(id, (merged.get(id) ?? 0) + quantity)
  return [...merged].map(([id, quantity]) => ({ id, quantity }))
}

/** An order's lines: 1 to 20 lines, merged by item, at most 50 units of an item in all. */
export const orderItemsSchema = z
  .array(orderLineSchema)
  .min(1)
  .max(MAX_ORDER_LINES)
  .transform(mergeLines)
  .superRefine((lines, ctx) => {
    lines.forEach((line, i) => {
      if (line.quantity > MAX_LINE_QUANTITY)
        ctx.addIssue({
          code: 'custom',
          path: [i, 'quantity'],
          message: `at most ${MAX_LINE_QUANTITY} units of ${line.id} in one order (duplicate lines are added up)`,
        })
    })
  })

/** Checks and merges an order's lines; INVALID_REQUEST with the problems otherwise. */
export function parseOrderLines(value: unknown): OrderLineInput[] {
  const parsed = orderItemsSchema.safeParse(value)
  if (!parsed.success)
    throw new DomainError(
      'INVALID_REQUEST',
      'invalid order items',
      zodDetails(parsed.error, 'items'),
    )
  return parsed.data
}

export const customerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'customer ids are letters, digits, - and _')

/** An Idempotency-Key: 1 to 255 printable ASCII characters (Stripe allows 255). */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x20-\x7e]{1,255}$/, 'an Idempotency-Key is 1 to 255 printable ASCII characters')
