/** "My orders": this device's orders, newest first, with live status badges and a link to each. */

import { orderNumber } from '../../lib/order-number.ts'
import { ApiError, api, type Order } from '../lib/api.ts'
import { customerId } from '../lib/customer.ts'
import { byId, h, keepFocus, show } from '../lib/dom.ts'
import { loadMessage } from '../lib/messages.ts'
import { formatMoney } from '../lib/money.ts'
import { badgeOf, isFinal } from '../lib/order-status.ts'

/** How often the list is refreshed while an order is still moving (ms). */
export const ORDERS_POLL_MS = 3000

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function orderHref(order: Pick<Order, 'customerId' | 'id'>): string {
  return `/orders/${encodeURIComponent(order.customerId)}/${encodeURIComponent(order.id)}`
}

function orderCard(order: Order) {
  const placed = new Date(order.createdAt)
  return h(
    'li',
    { class: 'order-card', 'data-order': order.id, 'data-status': order.status },
    h(
      'div',
      { class: 'order-card-head' },
      h(
        'h2',
        { class: 'order-card-title' },
        h(
          'a',
          { href: orderHref(order), class: 'stretched', 'data-focus': `orders:${order.id}` },
          `Order #${orderNumber(order.id)}`,
        ),
      ),
      h('span', { class: 'badge', 'data-status': order.status }, badgeOf(order.status)),
    ),
    h(
      'p',
      { class: 'order-card-items' },
      order.items.map((i) => `${i.quantity} × ${i.name}`).join(', '),
    ),
    h(
      'p',
      { class: 'order-card-meta' },
      Number.isNaN(placed.getTime())
        ? null
        : h('time', { datetime: order.createdAt }, when.format(placed)),
      h('strong', null, formatMoney(order.total, order.currency)),
    ),
  )
}

export function startMyOrders() {
  const customer = customerId()
  const status = byId('orders-status')
  const error = byId('orders-error')
  const list = byId('orders-list')
  let timer: ReturnType<typeof setTimeout> | undefined
  let shownKey = ''

  async function load() {
    clearTimeout(timer)
    try {
      const { orders } = await api.orders(customer)
      show(error)
      const summary =
        orders.length === 0
          ? h(
              'span',
              null,
              'You have no orders yet. ',
              h('a', { href: '/' }, 'Browse the menu'),
              ' to place one.',
            )
          : `${orders.length} ${orders.length === 1 ? 'order' : 'orders'}, newest first.`
      // Rewriting the same words would make screen readers say them again at every refresh.
      if (status.textContent !== (typeof summary === 'string' ? summary : summary.textContent))
        show(status, summary)
      // Redrawn only when something changed, so a refresh never takes the keyboard focus away.
      const key = JSON.stringify(orders)
      if (key !== shownKey) {
        shownKey = key
        keepFocus(() => show(list, orders.map(orderCard)))
      }
      if (orders.some((o) => !isFinal(o.status, o.refund))) timer = setTimeout(load, ORDERS_POLL_MS)
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err))
      show(status)
      show(
        error,
        loadMessage(apiError, 'orders'),
        ' ',
        h(
          'button',
          { type: 'button', class: 'link-button', onclick: () => void load() },
          'Try again',
        ),
      )
    }
  }

  window.addEventListener('pageshow', (event) => {
    if (event.persisted) void load()
  })
  void load()
}
