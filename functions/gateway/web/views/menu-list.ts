/** The menu: one card per item with its price, what is left, and Add or a −/+ stepper. */
import type { MenuItem } from '../lib/api.ts'
import { type Cart, type Limits, lineLimit } from '../lib/cart.ts'
import { h } from '../lib/dom.ts'
import { formatMoney } from '../lib/money.ts'

/** Items with this many or fewer left say "Only N left". */
export const LOW_STOCK = 10

export interface MenuActions {
  setQuantity(itemId: string, quantity: number): void
}

function stockLabel(item: MenuItem) {
  if (item.available <= 0) return h('span', { class: 'stock stock-out' }, 'Sold out')
  if (item.available <= LOW_STOCK)
    return h('span', { class: 'stock stock-low' }, `Only ${item.available} left`)
  return h('span', { class: 'stock' }, `${item.available} available`)
}

/** A hue from the id, so each item's tile keeps its colour. */
function hueOf(id: string): number {
  let hash = 0
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0
  return hash % 360
}

function controls(item: MenuItem, quantity: number, limits: Limits, actions: MenuActions) {
  const limit = lineLimit(item, limits)
  if (quantity === 0) {
    return h(
      'button',
      {
        type: 'button',
        class: 'button add',
        'data-focus': `menu:add:${item.id}`,
        'aria-label': `Add ${item.name} to your order`,
        disabled: limit === 0,
        onclick: () => actions.setQuantity(item.id, 1),
      },
      limit === 0 ? 'Sold out' : 'Add',
    )
  }
  const shown = Number.isFinite(quantity) ? quantity : 0
  return h(
    'div',
    { class: 'stepper', role: 'group', 'aria-label': `${item.name} in your order` },
    h(
      'button',
      {
        type: 'button',
        class: 'step-button',
        'data-focus': `menu:dec:${item.id}`,
        'aria-label': `One fewer ${item.name}`,
        onclick: () => actions.setQuantity(item.id, Math.min(shown, limit + 1) - 1),
      },
      '−',
    ),
    h('span', { class: 'step-count' }, String(shown)),
    h(
      'button',
      {
        type: 'button',
        class: 'step-button',
        'data-focus': `menu:inc:${item.id}`,
        'aria-label': `One more ${item.name}`,
        disabled: shown >= limit,
        onclick: () => actions.setQuantity(item.id, shown + 1),
      },
      '+',
    ),
  )
}

export function menuCard(item: MenuItem, cart: Cart, limits: Limits, actions: MenuActions) {
  const tile = h('span', { class: 'item-tile', 'aria-hidden': 'true' }, item.name.trim().charAt(0))
  tile.style.setProperty('--hue', String(hueOf(item.id)))
  const quantity = cart.get(item.id) ?? 0
  return h(
    'li',
    { class: 'item', 'data-item': item.id, 'data-available': item.available },
    tile,
    h(
      'div',
      { class: 'item-body' },
      h('h3', { class: 'item-name' }, item.name),
      item.description && h('p', { class: 'item-description' }, item.description),
      h(
        'div',
        { class: 'item-foot' },
        h(
          'span',
          { class: 'item-meta' },
          h('strong', { class: 'price' }, formatMoney(item.unitAmount, item.currency)),
          stockLabel(item),
        ),
        controls(item, quantity, limits, actions),
      ),
    ),
  )
}
