/**
 * The cart: item id → quantity, in the order items were added. Pure functions, so the rules
 * (1..available, at most the per-line and per-order limits) are tested without a browser.
 */
import type { MenuItem } from './api.ts'
import { totalsByCurrency } from './money.ts'

export type Cart = ReadonlyMap<string, number>

export interface Limits {
  /** Most units of one item in one order (the API's limit). */
  maxLineQuantity: number
  /** Most distinct items in one order (the API's limit). */
  maxOrderLines: number
}

/** A line the API would refuse, with what to tell the customer. */
export interface Problem {
  /** The line at fault; none for the cart as a whole. */
  itemId?: string
  message: string
}

/** The most of `item` one order may hold now: what is available, within the per-line limit. */
export function lineLimit(item: Pick<MenuItem, 'available'>, limits: Limits): number {
  return Math.max(0, Math.min(item.available, limits.maxLineQuantity))
}

/** A cart with `id` at `quantity`; 0 or less removes the line. */
export function setQuantity(cart: Cart, id: string, quantity: number): Cart {
  const next = new Map(cart)
  if (quantity <= 0) next.delete(id)
  else next.set(id, quantity)
  return next
}

/** What stops the cart from being ordered as it is; empty when it can be. */
export function cartProblems(
  cart: Cart,
  menu: ReadonlyMap<string, MenuItem>,
  limits: Limits,
): Problem[] {
  const problems: Problem[] = []
  for (const [itemId, quantity] of cart) {
    const item = menu.get(itemId)
    const name = item?.name ?? itemId
    if (!item) problems.push({ itemId, message: `${name} is no longer on the menu.` })
    else if (!Number.isInteger(quantity) || quantity < 1)
      problems.push({ itemId, message: `Enter a whole number of at least 1 for ${name}.` })
    else if (quantity > limits.maxLineQuantity)
      problems.push({
        itemId,
        message: `You can order at most ${limits.maxLineQuantity} × ${name} at once.`,
      })
    else if (item.available === 0)
      problems.push({ itemId, message: `${name} is sold out. Remove it to continue.` })
    else if (quantity > item.available)
      problems.push({
        itemId,
        message: `Only ${item.available} × ${name} left. Lower the quantity to ${item.available} or less.`,
      })
  }
  if (cart.size > limits.maxOrderLines)
    problems.push({ message: `One order holds at most ${limits.maxOrderLines} different items.` })
  return problems
}

/** The body lines of "place order". */
export function orderLines(cart: Cart): { id: string; quantity: number }[] {
  return [...cart].map(([id, quantity]) => ({ id, quantity }))
}

/** Units in the cart. */
export function unitCount(cart: Cart): number {
  let units = 0
  for (const quantity of cart.values()) if (Number.isFinite(quantity)) units += quantity
  return units
}

/** The cart's total per currency (lines not on the menu count for nothing). */
export function cartTotals(cart: Cart, menu: ReadonlyMap<string, MenuItem>) {
  return totalsByCurrency(
    [...cart].flatMap(([id, quantity]) => {
      const item = menu.get(id)
      return item && Number.isFinite(quantity)
        ? [{ amount: item.unitAmount * quantity, currency: item.currency }]
        : []
    }),
  )
}

/** Reads a saved cart, keeping only well-formed lines. */
export function parseCart(saved: string | null): Cart {
  const cart = new Map<string, number>()
  if (!saved) return cart
  try {
    const lines: unknown = JSON.parse(saved)
    if (!Array.isArray(lines)) return cart
    for (const line of lines) {
      if (!Array.isArray(line)) continue
      const [id, quantity] = line as unknown[]
      if (typeof id === 'string' && Number.isInteger(quantity) && (quantity as number) > 0)
        cart.set(id, quantity as number)
    }
  } catch {}
  return cart
}

export function serializeCart(cart: Cart): string {
  return JSON.stringify([...cart])
}
