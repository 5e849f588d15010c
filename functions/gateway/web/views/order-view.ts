/** The parts of the order page: progress steps, the ready and cancelled notices, the items. */
import type { Order } from '../lib/api.ts'
import { h } from '../lib/dom.ts'
import { formatMoney } from '../lib/money.ts'
import { STEPS, stepStates } from '../lib/order-status.ts'

export function progressSteps(status: string) {
  const states = stepStates(status)
  return STEPS.map((step, i) =>
    h(
      'li',
      {
        class: 'step',
        'data-state': states[i],
        'aria-current': states[i] === 'current' ? 'step' : undefined,
      },
      h(
        'span',
        { class: 'step-dot', 'aria-hidden': 'true' },
        states[i] === 'done' ? '✓' : String(i + 1),
      ),
      h('span', { class: 'step-label' }, step.label),
      h(
        'span',
        { class: 'visually-hidden' },
        states[i] === 'done' ? ' (done)' : states[i] === 'current' ? ' (now)' : '',
      ),
    ),
  )
}

export function readyNotice(number: string) {
  return h(
    'div',
    { class: 'notice notice-ready', 'data-testid': 'ready-notice' },
    h('p', { class: 'notice-title' }, 'Ready for pickup'),
    h(
      'p',
      null,
      'Show order number ',
      h('strong', { class: 'big-number' }, `#${number}`),
      ' at the counter. Enjoy your meal!',
    ),
  )
}

export function cancelledNotice() {
  return h(
    'div',
    { class: 'notice notice-cancelled', 'data-testid': 'cancelled-notice' },
    h('p', { class: 'notice-title' }, 'Order cancelled'),
    h('p', null, 'Nothing was charged. ', h('a', { href: '/' }, 'Start a new order'), '.'),
  )
}

const placedAt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function itemsTable(order: Order) {
  const money = (amount: number) => formatMoney(amount, order.currency)
  const placed = new Date(order.createdAt)
  return [
    h(
      'table',
      { class: 'items-table' },
      h(
        'thead',
        { class: 'visually-hidden' },
        h('tr', null, h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col' }, 'Amount')),
      ),
      h(
        'tbody',
        null,
        order.items.map((item) =>
          h(
            'tr',
            null,
            h(
              'td',
              null,
              h('span', { class: 'line-name' }, item.name),
              h('span', { class: 'line-each' }, `${item.quantity} × ${money(item.unitAmount)}`),
            ),
            h('td', { class: 'num' }, money(item.unitAmount * item.quantity)),
          ),
        ),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, 'Total'),
          h('td', { class: 'num', 'data-testid': 'order-total' }, money(order.total)),
        ),
      ),
    ),
    Number.isNaN(placed.getTime())
      ? null
      : h(
          'p',
          { class: 'muted small' },
          `Placed ${placedAt.format(placed)} · reference ${order.id}`,
        ),
  ]
}
