/** Limits and schema of what a customer may order, checked at the gateway and by orders. */
import * as z from 'zod'

/** Most distinct lines in one order. */
export const MAX_ORDER_LINES = 20
/** Most units of one item in one order. */
export const MAX_LINE_QUANTITY = 50

const itemId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'item ids are letters, digits, - and _')

export const orderLineSchema = z.strictObject({
  id: itemId,
  quantity: z.int().min(1).max(MAX_LINE_QUANTITY),
})

export const orderItemsSchema = z.array(orderLineSchema).min(1).max(MAX_ORDER_LINES)

export type OrderLineInput = z.infer<typeof orderLineSchema>

/** Merges duplicate lines of the same item, keeping first-seen order. */
export function mergeLines(lines: readonly OrderLineInput[]): OrderLineInput[] {
  const merged = new Map<string, number>()
  for (const { id, quantity } of lines) merged.set(id, (merged.get(id) ?? 0) + quantity)
  return [...merged].map(([id, quantity]) => ({ id, quantity }))
}

export const customerIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'customer ids are letters, digits, - and _')
