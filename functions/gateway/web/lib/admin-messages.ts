/**
 * The back office's failures in plain words: what went wrong and what to do, never a raw error
 * body. The server's INVALID_REQUEST names each field at fault (`details.problems`, see
 * shared/zod-details.ts); those become a sentence beside the field, written from the rules in
 * shared/menu-item.ts rather than zod's wording.
 */
import type { ApiError } from './api.ts'
import type { ItemField } from './item-form.ts'
import { formatMoney } from './money.ts'
import { MAX_UNIT_AMOUNT } from './price-input.ts'
import { UNITS_HINT } from './units-input.ts'

interface FieldProblem {
  path: string
  message: string
}

function problemsOf(details: unknown): FieldProblem[] {
  const list = (details as { problems?: unknown })?.problems
  return Array.isArray(list)
    ? list.filter(
        (p): p is FieldProblem => typeof p?.path === 'string' && typeof p?.message === 'string',
      )
    : []
}

/** The form field each path of the API's body (or the item id in the path) is typed in. */
const FIELD_OF: Readonly<Record<string, ItemField>> = {
  itemId: 'id',
  name: 'name',
  description: 'description',
  unitAmount: 'price',
  currency: 'currency',
  priceId: 'priceId',
}

function fieldMessage(field: ItemField, currency: string): string {
  switch (field) {
    case 'id':
      return 'Use letters, digits, - and _ only, up to 64 characters.'
    case 'name':
      return 'Enter a name, up to 100 characters.'
    case 'description':
      return 'Keep the description to 500 characters or fewer.'
    case 'price':
      return `Enter a price from 0 to ${formatMoney(MAX_UNIT_AMOUNT, currency, 'en')}.`
    case 'currency':
      return 'Enter a 3-letter currency code, e.g. eur or usd.'
    case 'priceId':
      return 'Enter the item’s Stripe price id (e.g. price_apple_pie), up to 255 characters.'
  }
}

export interface ItemProblems {
  /** A sentence per field at fault. */
  fields: Partial<Record<ItemField, string>>
  /** Problems with no field of the form (unexpected: said as the server put them). */
  other: string[]
}

/** The fields at fault in a refused save of an item; empty unless it is an INVALID_REQUEST. */
export function itemProblems(err: ApiError, currency: string): ItemProblems {
  const out: ItemProblems = { fields: {}, other: [] }
  if (err.code !== 'INVALID_REQUEST') return out
  for (const { path, message } of problemsOf(err.details)) {
    const field = FIELD_OF[path]
    if (field) out.fields[field] = fieldMessage(field, currency)
    else out.other.push(path === '(body)' ? message : `${path}: ${message}`)
  }
  return out
}

/** Why a call of the back office failed, for any call; `doing` is e.g. "save Apple pie". */
export function adminMessage(err: ApiError, doing: string): string {
  switch (err.code) {
    case 'NETWORK':
      return 'The counter’s server does not answer. Check the network and try again.'
    case 'UNAUTHORIZED':
      return 'You are signed out (the session ended, or the admin credential changed). Reload the page to sign in again.'
    case 'FORBIDDEN':
      return err.message.includes('pages')
        ? 'That change was refused: changes must be made from this site’s own pages.'
        : 'This needs the admin credential. Sign out, then sign in as the admin.'
    case 'ITEM_NOT_FOUND':
      return `Could not ${doing}: the item is no longer on the menu (it may have been removed meanwhile).`
    case 'INVALID_REQUEST': {
      const problems = problemsOf(err.details)
      if (problems.length > 0)
        return `Could not ${doing}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`
      break
    }
  }
  if (
    err.code === 'UNAVAILABLE' ||
    err.code === 'DEADLINE_EXCEEDED' ||
    err.status === 503 ||
    err.status === 504
  )
    return 'The menu or stock service is busy or not answering. Try again in a moment.'
  if (err.status >= 500 || err.code === 'HTTP' || err.code === 'INTERNAL')
    return `Something went wrong on the server${err.status ? ` (error ${err.status})` : ''}. Try again in a moment.`
  return `Could not ${doing}: ${err.message}.`
}

/** The units open orders hold, when a new level was refused for going below them. */
export function reservedOf(err: ApiError): number | undefined {
  const reserved = (err.details as { reserved?: unknown } | undefined)?.reserved
  return err.code === 'INVALID_REQUEST' && typeof reserved === 'number' ? reserved : undefined
}

/**
 * Why a stock level was not set. The stock domain refuses a level below what open orders
 * hold (INVALID_REQUEST with `details.reserved`): those units are promised to customers.
 */
export function stockMessage(err: ApiError, name: string): string {
  const reserved = reservedOf(err)
  if (reserved !== undefined)
    return `${reserved} ${reserved === 1 ? 'is' : 'are'} reserved by open orders: on hand cannot go below ${reserved}. Enter ${reserved} or more.`
  if (err.code === 'INVALID_REQUEST' && problemsOf(err.details).some((p) => p.path === 'quantity'))
    return UNITS_HINT
  return adminMessage(err, `set the stock of ${name}`)
}
