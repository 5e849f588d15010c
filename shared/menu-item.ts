/** What a menu item must look like to be stored: checked by the gateway and by menu. */
import * as z from 'zod'

export const itemIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'item ids are letters, digits, - and _')

export const menuItemSchema = z.strictObject({
  id: itemIdSchema,
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500),
  priceId: z.string().trim().min(1).max(255),
  unitAmount: z.int().min(0).max(10_000_000),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'currency is a 3-letter ISO 4217 code')
    .transform((c) => c.toLowerCase()),
})
