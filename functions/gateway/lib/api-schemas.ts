/**
 * The public HTTP API's shapes, as zod schemas: what each route reads (path parameters,
 * bodies) and what it answers (its successes and the JSON error shape). The handlers check
 * their input with them and type their answers by them, and `GET /api/openapi.json` is
 * generated from them (lib/openapi.ts). The answers' schemas follow the generated proto
 * messages they are made from (`satisfies` checks each field against its message's type).
 */
import * as z from 'zod'
import type { MenuItem, OrderItem, StockLevel } from '../../../proto/gen/oms.ts'
import { ERROR_TABLE, type ErrorCode } from '../../../shared/errors.ts'
import { itemIdSchema, menuItemSchema } from '../../../shared/menu-item.ts'
import {
  customerIdSchema,
  idempotencyKeySchema,
  orderItemsSchema,
} from '../../../shared/order-input.ts'
import { ORDER_STATUSES } from '../../../shared/order-status.ts'

// ---- path parameters -------------------------------------------------------------------

export const customerIdParam = customerIdSchema.meta({
  description: 'Who orders: chosen by the client (the storefront keeps a generated one)',
  example: 'alice',
})
export const orderIdParam = z
  .string()
  .min(1)
  .max(64)
  .meta({ description: 'The order id the order was created with', example: '01JD3N5W6Q8Y2B1C' })
export const itemIdParam = itemIdSchema.meta({ description: 'A menu item id', example: 'burger' })

// ---- request bodies --------------------------------------------------------------------

export const createOrderBody = z.strictObject({ items: orderItemsSchema }).meta({
  id: 'CreateOrderRequest',
  description:
    'The lines to order: 1 to 20 lines; duplicate lines of one item are added up, at most 50 units of an item in all',
  example: {
    items: [
      { id: 'burger', quantity: 2 },
      { id: 'fries', quantity: 1 },
    ],
  },
})

export const menuItemBody = menuItemSchema.omit({ id: true }).meta({
  id: 'MenuItemRequest',
  description: 'A menu item to create or replace; the currency is stored in lower case',
  example: {
    name: 'Classic burger',
    description: 'Beef patty, cheddar, pickles',
    priceId: 'price_burger',
    unitAmount: 950,
    currency: 'eur',
  },
})

export const stockBody = z.strictObject({ quantity: z.int().min(0).max(1_000_000) }).meta({
  id: 'StockLevelRequest',
  description: 'Units on hand (what is reserved by open orders stays reserved)',
  example: { quantity: 40 },
})

export const stripeEventBody = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    data: z.looseObject({ object: z.looseObject({}) }),
  })
  .meta({
    id: 'StripeEvent',
    description:
      'A Stripe event as Stripe sends it (checkout.session.completed, .expired, .async_payment_*), verified by its Stripe-Signature over the raw body',
  })

export const idempotencyKeyHeader = idempotencyKeySchema.meta({
  description:
    "One per order the client means to place (e.g. a UUID), reused when it retries that request: the same key with the same body answers the order placed under it, with the same status and body, and places no other (Stripe's convention; keys are kept 24 h). The same key with other items is refused (422); while the first request with it is still being answered, 409.",
  example: '5f0c7c1e-3b1d-4f7a-9a51-2b8f3f0a9d3e',
})

export const stripeSignatureHeader = z.string().min(1).meta({
  description: "Stripe's signature of the raw body (t=...,v1=...)",
})

// ---- answers ---------------------------------------------------------------------------

const amount = z.int().min(0).meta({ description: "In the currency's minor unit (cents)" })
const currency = z.string().meta({ description: 'ISO 4217 code, lower case', example: 'eur' })
const timestamp = z.iso.datetime({ offset: true })

/** A menu item as the admin routes store it (menu's `MenuItem` message). */
export const menuItemSchemaOut = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    priceId: z.string().meta({ description: 'Stripe price id used for Checkout line items' }),
    unitAmount: amount,
    currency,
  })
  .meta({ id: 'MenuItem' }) satisfies z.ZodType<MenuItem>

/** An item of `GET /api/menu`: the menu item and what can still be ordered of it. */
export const menuEntrySchema = menuItemSchemaOut
  .extend({
    available: z
      .int()
      .min(0)
      .meta({ description: 'Units that can still be ordered: on hand − open reservations' }),
  })
  .meta({ id: 'MenuEntry' })

export const menuResponse = z.object({ items: z.array(menuEntrySchema) }).meta({ id: 'Menu' })

export const orderStatusSchema = z.enum(ORDER_STATUSES).meta({
  id: 'OrderStatus',
  description: 'pending → paid → preparing → ready → collected, or pending → cancelled',
})

export const orderLineSchemaOut = z
  .object({
    id: z.string(),
    name: z.string(),
    quantity: z.int().min(1),
    priceId: z.string(),
    unitAmount: amount,
  })
  .meta({ id: 'OrderLine' }) satisfies z.ZodType<OrderItem>

export const refundSchema = z
  .object({
    status: z.enum(['requested', 'refunded']),
    requestedAt: timestamp,
    refundedAt: timestamp.nullable(),
  })
  .meta({
    id: 'Refund',
    description: 'A payment that arrived after the order was cancelled, and its refund',
  })

export const orderSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    status: orderStatusSchema,
    items: z.array(orderLineSchemaOut),
    total: amount,
    currency,
    paymentLink: z.url().nullable().meta({
      description: 'Where the customer pays; null until payments has opened the checkout',
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
    expiresAt: timestamp
      .nullable()
      .meta({ description: 'When a pending order is cancelled unless paid' }),
    refund: refundSchema.nullable(),
  })
  .meta({ id: 'Order' })

export type PublicOrder = z.output<typeof orderSchema>
export type Refund = z.output<typeof refundSchema>
export type PublicMenuEntry = z.output<typeof menuEntrySchema>
export type MenuAnswer = z.output<typeof menuResponse>

export const orderCreatedResponse = z
  .object({
    order: orderSchema,
    redirectToURL: z.url().meta({
      description:
        'The order page: it sends the customer to the payment link, then follows the order live',
    }),
  })
  .meta({ id: 'OrderCreated' })

export const orderResponse = z.object({ order: orderSchema }).meta({ id: 'OrderAnswer' })
export const orderListResponse = z
  .object({ orders: z.array(orderSchema).meta({ description: 'Newest first' }) })
  .meta({ id: 'OrderList' })

export const menuItemResponse = z.object({ item: menuItemSchemaOut }).meta({ id: 'MenuItemAnswer' })

export type OrderCreated = z.output<typeof orderCreatedResponse>
export type OrderAnswer = z.output<typeof orderResponse>
export type OrderListAnswer = z.output<typeof orderListResponse>
export type MenuItemAnswer = z.output<typeof menuItemResponse>

export const stockItemResponse = z
  .object({
    item: z
      .object({ id: z.string(), onHand: z.int(), reserved: z.int(), available: z.int() })
      .meta({ id: 'StockItem' }) satisfies z.ZodType<
      { id: string } & Pick<StockLevel, 'onHand' | 'reserved' | 'available'>
    >,
  })
  .meta({ id: 'StockItemAnswer' })

export type StockItemAnswer = z.output<typeof stockItemResponse>

export const webhookResponse = z
  .object({
    received: z.literal(true),
    duplicate: z
      .literal(true)
      .optional()
      .meta({ description: 'This Stripe event was handled before' }),
    ignored: z.string().optional().meta({ description: 'Why the event changes nothing' }),
  })
  .meta({ id: 'WebhookAnswer' })

const check = z.object({ kind: z.string(), ok: z.boolean(), detail: z.string().optional() })
// ---- the staff's screens ------------------------------------------------------------------

export const signInBody = z
  .strictObject({ credential: z.string().min(1).max(512) })
  .meta({ id: 'SignIn', description: 'The admin credential or the kitchen staff’s' })

export const staffSessionResponse = z
  .object({
    role: z.enum(['admin', 'staff']),
    expiresAt: z.iso.datetime().meta({ description: 'When the session ends (sign in again)' }),
  })
  .meta({ id: 'StaffSession' })

export const kitchenTicketSchema = z
  .object({
    id: z.string(),
    number: z.string().meta({ description: 'The pickup number the counter calls out' }),
    status: z.enum(['paid', 'preparing', 'ready']),
    items: z.array(z.object({ id: z.string(), name: z.string(), quantity: z.int().min(1) })),
    placedAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'KitchenTicket', description: 'An order as the kitchen display shows it' })
export type KitchenTicket = z.infer<typeof kitchenTicketSchema>

export const kitchenQueueResponse = z
  .object({ orders: z.array(kitchenTicketSchema).meta({ description: 'Oldest placed first' }) })
  .meta({ id: 'KitchenQueue' })

export const kitchenMoveResponse = z
  .object({
    order: z.object({
      id: z.string(),
      number: z.string(),
      status: z.enum(['preparing', 'ready', 'collected']),
      updatedAt: z.iso.datetime({ offset: true }),
    }),
  })
  .meta({ id: 'KitchenMove' })
export type KitchenMoveAnswer = z.infer<typeof kitchenMoveResponse>

export const kitchenMoveParam = z
  .enum(['start', 'ready', 'collect'])
  .meta({ description: 'start → preparing, ready → ready, collect → collected' })

export const stockListResponse = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        onHand: z.int(),
        reserved: z.int(),
        available: z.int(),
      }),
    ),
  })
  .meta({ id: 'StockList', description: 'The stock level of every menu item' })
export type StockListAnswer = z.output<typeof stockListResponse>

export const healthResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.object({ store: check.optional(), bus: check }),
  })
  .meta({ id: 'Health' })

// ---- errors ----------------------------------------------------------------------------

/** The codes answered with an HTTP status, from the one error table. */
export function codesOf(status: number): ErrorCode[] {
  return (Object.keys(ERROR_TABLE) as ErrorCode[]).filter(
    (code) => ERROR_TABLE[code].http === status,
  )
}

const errorSchemas = new Map<number, z.ZodType>()

/**
 * The JSON error shape, `{"error": {"code", "message", "details"?}}`, as answered with `status`:
 * its code is one of those the error table maps to that status.
 */
export function errorSchema(status: number): z.ZodType {
  let schema = errorSchemas.get(status)
  if (!schema) {
    const codes = codesOf(status)
    if (codes.length === 0) throw new Error(`no error code is answered with HTTP ${status}`)
    schema = z
      .object({
        error: z.object({
          code: z.enum(codes as [ErrorCode, ...ErrorCode[]]),
          message: z.string().meta({ description: 'For people; may change' }),
          details: z.record(z.string(), z.unknown()).optional().meta({
            description:
              'Structured facts, e.g. {"problems": [{"path", "message"}]} for INVALID_REQUEST, {"shortages"} for OUT_OF_STOCK',
          }),
        }),
      })
      .meta({ id: `Error${status}` })
    errorSchemas.set(status, schema)
  }
  return schema
}
