/**
 * Readable messages for failed API calls: what went wrong and what to do, never a raw error
 * body. `nameOf` turns an item id into the name the customer saw on the menu.
 */
import type { ApiError } from './api.ts'

type NameOf = (itemId: string) => string

interface Shortage {
  itemId: string
  requested: number
  available: number
}

function shortages(details: unknown): Shortage[] {
  const list = (details as { shortages?: unknown })?.shortages
  return Array.isArray(list) ? list.filter((s): s is Shortage => typeof s?.itemId === 'string') : []
}

function stringList(details: unknown, field: string): string[] {
  const list = (details as Record<string, unknown> | undefined)?.[field]
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []
}

/** Messages for an error common to every call, or undefined when it is specific to one. */
function commonMessage(err: ApiError): string | undefined {
  if (err.code === 'NETWORK')
    return 'We could not reach the counter. Check your connection and try again.'
  if (err.code === 'UNAVAILABLE' || err.status === 503 || err.status === 504)
    return 'The counter is busy right now. Please try again in a moment.'
  if (err.status >= 500 || err.code === 'HTTP' || err.code === 'INTERNAL')
    return `Something went wrong on our side${err.status ? ` (error ${err.status})` : ''}. Please try again in a moment.`
  return undefined
}

/** Why an order could not be placed. */
export function placeOrderMessage(err: ApiError, nameOf: NameOf): string {
  switch (err.code) {
    case 'OUT_OF_STOCK': {
      const short = shortages(err.details)
      if (short.length === 0) return 'Some items are no longer available. Please check your order.'
      return short
        .map((s) =>
          s.available <= 0
            ? `Sorry, ${nameOf(s.itemId)} is sold out.`
            : `Sorry, only ${s.available} × ${nameOf(s.itemId)} left (you asked for ${s.requested}).`,
        )
        .concat('Please adjust your order and try again.')
        .join(' ')
    }
    case 'ITEM_NOT_FOUND': {
      const ids = stringList(err.details, 'itemIds')
      const what = ids.length ? ids.map(nameOf).join(', ') : 'An item'
      return `${what} ${ids.length > 1 ? 'are' : 'is'} no longer on the menu. Remove ${ids.length > 1 ? 'them' : 'it'} and try again.`
    }
    case 'INVALID_REQUEST':
      return 'Some quantities are not valid: each line needs a whole number of at least 1. Please check your order.'
    case 'PAYLOAD_TOO_LARGE':
      return 'This order is too large to send. Remove some items and try again.'
  }
  return commonMessage(err) ?? `We could not place your order: ${err.message}.`
}

/** Why an order could not be cancelled. */
export function cancelMessage(err: ApiError): string {
  if (err.code === 'INVALID_TRANSITION') {
    const from = (err.details as { from?: unknown })?.from
    return from === 'pending' || typeof from !== 'string'
      ? 'This order can no longer be cancelled.'
      : `This order can no longer be cancelled: it is already ${from === 'paid' ? 'paid' : from}.`
  }
  if (err.code === 'ORDER_NOT_FOUND') return 'We could not find this order.'
  return commonMessage(err) ?? `We could not cancel this order: ${err.message}.`
}

/** Why an order or a list of orders could not be loaded. */
export function loadMessage(err: ApiError, what: 'order' | 'orders' | 'menu'): string {
  if (err.code === 'ORDER_NOT_FOUND')
    return 'We could not find this order. Orders can only be seen from the device they were placed on.'
  if (err.code === 'INVALID_REQUEST') return `This link to your ${what} is not valid.`
  return (
    commonMessage(err) ??
    `We could not load ${what === 'menu' ? 'the menu' : `your ${what}`}: ${err.message}.`
  )
}
