/** The cart: lines with −/quantity/+ and Remove, what stops it being ordered, the total, Place order. */
import type { MenuItem } from '../lib/api.ts'
import {
  type Cart,
  cartTotals,
  type Limits,
  lineLimit,
  type Problem,
  unitCount,
} from '../lib/cart.ts'
import { h } from '../lib/dom.ts'
import { formatMoney, formatTotals } from '../lib/money.ts'

export interface CartActions {
  setQuantity(itemId: string, quantity: number): void
  /** A typed quantity, kept as typed (even when invalid) so the problem can be shown. */
  typeQuantity(itemId: string, value: string): void
  placeOrder(): void
}

export interface CartView {
  cart: Cart
  menu: ReadonlyMap<string, MenuItem>
  limits: Limits
  problems: readonly Problem[]
  placing: boolean
}

function limitHint(item: MenuItem | undefined, quantity: number, limits: Limits) {
  if (!item || quantity !== lineLimit(item, limits)) return undefined
  return item.available <= limits.maxLineQuantity
    ? 'That is all we have left.'
    : `Limit ${limits.maxLineQuantity} per order.`
}

function cartLine(id: string, quantity: number, view: CartView, actions: CartActions) {
  const item = view.menu.get(id)
  const name = item?.name ?? id
  const limit = item ? lineLimit(item, view.limits) : 0
  const problem = view.problems.find((p) => p.itemId === id)
  const shown = Number.isFinite(quantity) ? quantity : 0
  const inputId = `qty-${id}`
  const noteId = `qty-note-${id}`
  const note = problem?.message ?? limitHint(item, quantity, view.limits)
  return h(
    'li',
    { class: 'cart-line', 'data-item': id },
    h(
      'div',
      { class: 'line-main' },
      h('span', { class: 'line-name' }, name),
      item &&
        h('span', { class: 'line-each' }, `${formatMoney(item.unitAmount, item.currency)} each`),
    ),
    h(
      'div',
      { class: 'line-controls' },
      h(
        'div',
        { class: 'stepper small' },
        h(
          'button',
          {
            type: 'button',
            class: 'step-button',
            'data-focus': `cart:dec:${id}`,
            'aria-label': `One fewer ${name}`,
            disabled: shown <= 1,
            onclick: () => actions.setQuantity(id, Math.min(shown, limit + 1) - 1),
          },
          '−',
        ),
        h('label', { class: 'visually-hidden', for: inputId }, `Quantity of ${name}`),
        h('input', {
          id: inputId,
          class: 'qty',
          type: 'number',
          inputmode: 'numeric',
          min: 1,
          max: Math.max(1, limit),
          step: 1,
          value: Number.isFinite(quantity) ? quantity : '',
          'data-focus': `cart:qty:${id}`,
          'aria-invalid': problem ? 'true' : undefined,
          'aria-describedby': note ? noteId : undefined,
          onchange: (e) => actions.typeQuantity(id, (e.target as HTMLInputElement).value),
        }),
        h(
          'button',
          {
            type: 'button',
            class: 'step-button',
            'data-focus': `cart:inc:${id}`,
            'aria-label': `One more ${name}`,
            disabled: !item || shown >= limit,
            onclick: () => actions.setQuantity(id, shown + 1),
          },
          '+',
        ),
      ),
      h(
        'span',
        { class: 'line-amount' },
        item && Number.isFinite(quantity)
          ? formatMoney(item.unitAmount * quantity, item.currency)
          : '—',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          'data-focus': `cart:remove:${id}`,
          'aria-label': `Remove ${name} from your order`,
          onclick: () => actions.setQuantity(id, 0),
        },
        'Remove',
      ),
    ),
    note && h('p', { id: noteId, class: problem ? 'line-note line-problem' : 'line-note' }, note),
  )
}

export function cartPanel(view: CartView, actions: CartActions) {
  if (view.cart.size === 0)
    return h(
      'p',
      { class: 'cart-empty' },
      'Your order is empty. Add something from the menu to get started.',
    )
  const total = formatTotals(cartTotals(view.cart, view.menu))
  const units = unitCount(view.cart)
  return h(
    'div',
    { class: 'cart-content' },
    h(
      'ul',
      { class: 'cart-lines' },
      [...view.cart].map(([id, quantity]) => cartLine(id, quantity, view, actions)),
    ),
    h(
      'p',
      { class: 'cart-total' },
      h('span', null, `Total · ${units} ${units === 1 ? 'item' : 'items'}`),
      h('strong', { 'data-testid': 'cart-total' }, total),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'button primary wide',
        'data-focus': 'cart:place',
        'aria-busy': view.placing ? 'true' : undefined,
        disabled: view.placing,
        onclick: () => actions.placeOrder(),
      },
      view.placing ? 'Placing your order…' : `Place order · ${total}`,
    ),
    h('p', { class: 'muted small' }, 'You pay on the next page; then follow your order live.'),
  )
}

/**
 * The phone's bottom bar, kept on screen over the menu: how much is in the cart and what it
 * costs, leading to the cart (and its Place order).
 */
export function cartBar(view: Pick<CartView, 'cart' | 'menu'>) {
  const units = unitCount(view.cart)
  return [
    h(
      'span',
      { class: 'cart-bar-summary' },
      h('span', { class: 'cart-bar-count' }, `${units} ${units === 1 ? 'item' : 'items'}`),
      h('strong', { class: 'cart-bar-total' }, formatTotals(cartTotals(view.cart, view.menu))),
    ),
    h('span', { class: 'cart-bar-action' }, 'View order'),
  ]
}
