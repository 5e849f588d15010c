/**
 * The back office's table of items: each item's name, id and price, its units on hand (with a
 * field to set them), reserved and available, and Edit and Remove. Remove asks first, in the
 * row: "Remove Fries?" with "Yes, remove" and "Keep".
 */

import type { StockEntry } from '../lib/admin-api.ts'
import type { MenuItem } from '../lib/api.ts'
import { h } from '../lib/dom.ts'
import { formatMoney } from '../lib/money.ts'
import { type StockCellActions, stockCell } from './admin-stock-cell.ts'

// Each cell names its column (`data-label`): on a narrow screen the rows become cards.

/** Items with this many or fewer available are marked low (as the storefront does). */
export const LOW_STOCK = 10

export interface ItemListView {
  items: readonly MenuItem[]
  levels: ReadonlyMap<string, StockEntry>
  /** The item whose removal is being asked about. */
  confirming: string | undefined
  /** Items with a change in flight: their buttons wait. */
  busy: ReadonlySet<string>
  stockDrafts: ReadonlyMap<string, string>
  stockErrors: ReadonlyMap<string, string>
}

export interface ItemListActions extends StockCellActions {
  edit(id: string): void
  askRemove(id: string): void
  keep(id: string): void
  remove(id: string): void
}

function availableCell(available: number) {
  const level = available <= 0 ? 'stock-out' : available <= LOW_STOCK ? 'stock-low' : ''
  return h('td', { class: `num ${level}`.trim(), 'data-label': 'Available' }, String(available))
}

function rowActions(item: MenuItem, view: ItemListView, actions: ItemListActions) {
  const busy = view.busy.has(item.id)
  if (view.confirming === item.id) {
    return h(
      'div',
      { class: 'row-actions confirm', role: 'group', 'aria-label': `Remove ${item.name}?` },
      h('span', { class: 'confirm-question' }, `Remove ${item.name}?`),
      h(
        'button',
        {
          type: 'button',
          class: 'button small danger',
          'data-focus': `admin:confirm:${item.id}`,
          disabled: busy,
          'aria-busy': busy ? 'true' : null,
          onclick: () => actions.remove(item.id),
        },
        'Yes, remove',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'button small',
          'data-focus': `admin:keep:${item.id}`,
          disabled: busy,
          onclick: () => actions.keep(item.id),
        },
        'Keep',
      ),
    )
  }
  return h(
    'div',
    { class: 'row-actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'button small',
        'aria-label': `Edit ${item.name}`,
        'data-focus': `admin:edit:${item.id}`,
        disabled: busy,
        onclick: () => actions.edit(item.id),
      },
      'Edit',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button small danger',
        'aria-label': `Remove ${item.name}`,
        'data-focus': `admin:remove:${item.id}`,
        disabled: busy,
        onclick: () => actions.askRemove(item.id),
      },
      'Remove',
    ),
  )
}

function itemRow(item: MenuItem, view: ItemListView, actions: ItemListActions) {
  // An item without a stock level yet has none on hand (the stock domain answers 0 too).
  const level = view.levels.get(item.id) ?? { id: item.id, onHand: 0, reserved: 0, available: 0 }
  return h(
    'tr',
    { 'data-item': item.id, class: view.confirming === item.id ? 'confirming' : null },
    h(
      'th',
      { scope: 'row', class: 'item-cell' },
      h('span', { class: 'admin-name' }, item.name),
      h('span', { class: 'admin-id' }, item.id),
      item.description && h('span', { class: 'admin-description' }, item.description),
    ),
    h(
      'td',
      { class: 'num price-cell', 'data-label': 'Price' },
      formatMoney(item.unitAmount, item.currency),
    ),
    h(
      'td',
      { class: 'stock-cell', 'data-label': 'On hand' },
      stockCell(
        {
          id: item.id,
          name: item.name,
          onHand: level.onHand,
          draft: view.stockDrafts.get(item.id),
          error: view.stockErrors.get(item.id),
          busy: view.busy.has(item.id),
        },
        actions,
      ),
    ),
    h('td', { class: 'num', 'data-label': 'Reserved' }, String(level.reserved)),
    availableCell(level.available),
    h('td', { class: 'actions-cell' }, rowActions(item, view, actions)),
  )
}

export function itemTable(view: ItemListView, actions: ItemListActions) {
  if (view.items.length === 0)
    return h('p', { class: 'muted' }, 'Nothing is on the menu yet. Add an item to start.')
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'admin-table' },
      h(
        'caption',
        { class: 'visually-hidden' },
        'Menu items with their price and stock: on hand, reserved by open orders, and available to order',
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Item'),
          h('th', { scope: 'col', class: 'num' }, 'Price'),
          h('th', { scope: 'col' }, 'On hand'),
          h('th', { scope: 'col', class: 'num' }, 'Reserved'),
          h('th', { scope: 'col', class: 'num' }, 'Available'),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h(
        'tbody',
        null,
        view.items.map((item) => itemRow(item, view, actions)),
      ),
    ),
  )
}
