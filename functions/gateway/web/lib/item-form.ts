/**
 * The back office's item form as data: the fields it has, an id made from a name, and the
 * reading of what was typed into the exact body `PUT /api/admin/menu/:itemId` takes. Only what
 * the page must convert or knows better than the server is checked here (the id, the price, an
 * id already taken); the rest is the server's to check, and its answer is shown by field.
 */
import type { z } from 'zod'
// Types only (erased from the bundle): the body the admin route checks.
import type { menuItemBody } from '../../lib/api-schemas.ts'
import { parsePrice } from './price-input.ts'

/** The body of `PUT /api/admin/menu/:itemId`: exactly these fields (the schema is strict). */
export type MenuItemFields = z.input<typeof menuItemBody>

export const ITEM_FIELDS = ['id', 'name', 'description', 'price', 'currency', 'priceId'] as const
export type ItemField = (typeof ITEM_FIELDS)[number]

export const FIELD_LABELS: Readonly<Record<ItemField, string>> = {
  id: 'Id',
  name: 'Name',
  description: 'Description',
  price: 'Price',
  currency: 'Currency',
  priceId: 'Stripe price id',
}

/** What the form's inputs hold, as typed. */
export type ItemFormValues = Record<ItemField, string>

/** Longest item id (itemIdSchema in shared/menu-item.ts). */
export const MAX_ID_LENGTH = 64

/** Lower-case letters and digits in groups joined by single dashes: `apple-pie`. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

export const ID_HINT = 'Lower-case letters, digits and dashes, e.g. apple-pie.'

/** An id for a new item from its name: `Crème brûlée` → `creme-brulee`. */
export function slugFrom(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_ID_LENGTH)
    .replace(/^-+|-+$/g, '')
}

export interface ReadOptions {
  /** Adding a new item (the id is typed) rather than editing one (the id is fixed). */
  adding: boolean
  /** Ids on the menu now: adding one of them would replace that item. */
  takenIds: ReadonlySet<string>
}

export type ItemReading =
  | { ok: true; id: string; fields: MenuItemFields }
  | { ok: false; problems: Partial<Record<ItemField, string>> }

/** The form's values as the id and body to send, or the problems to show beside the fields. */
export function readItemForm(
  values: ItemFormValues,
  { adding, takenIds }: ReadOptions,
): ItemReading {
  const problems: Partial<Record<ItemField, string>> = {}
  const id = values.id.trim()
  if (adding) {
    if (id === '') problems.id = `Enter an id. ${ID_HINT}`
    else if (id.length > MAX_ID_LENGTH || !SLUG.test(id))
      problems.id = `Use lower-case letters, digits and single dashes (e.g. apple-pie), up to ${MAX_ID_LENGTH} characters.`
    else if (takenIds.has(id))
      problems.id = `There is already an item with the id ${id}. Choose another id, or edit that item instead.`
  }
  const currency = values.currency.trim().toLowerCase()
  const price = parsePrice(values.price, currency)
  if (!price.ok) problems.price = price.message
  if (!price.ok || Object.keys(problems).length > 0) return { ok: false, problems }
  return {
    ok: true,
    id,
    fields: {
      name: values.name.trim(),
      description: values.description.trim(),
      priceId: values.priceId.trim(),
      unitAmount: price.amount,
      currency,
    },
  }
}

/** The form's alert when fields are at fault: "2 fields need a change: Name and Currency." */
export function problemSummary(problems: Partial<Record<ItemField, string>>): string {
  const names = ITEM_FIELDS.filter((f) => problems[f]).map((f) => FIELD_LABELS[f])
  if (names.length === 0) return ''
  if (names.length === 1) return `${names[0]} needs a change: see below.`
  return `${names.length} fields need a change: ${names.slice(0, -1).join(', ')} and ${names.at(-1)}.`
}
