/**
 * The order page's behaviour: sends a customer arriving without `?checkout=` to the payment
 * link, then follows the order by push (EventSource on its stream: the order now, then at each
 * move) until it is collected or cancelled, and cancels it on request. It asks by polling only
 * while the push cannot tell: before the payment link is recorded, and while the stream is down
 * (the browser reconnects it by itself).
 */
import { orderNumber } from '../../lib/order-number.ts'
import { ApiError, api, type Order } from '../lib/api.ts'
import { byId, h, httpUrl, keepFocus, show } from '../lib/dom.ts'
import { cancelMessage, loadMessage } from '../lib/messages.ts'
import {
  badgeOf,
  CANCEL_SETTLE_MS,
  type CheckoutReturn,
  isFinal,
  refundLine,
  statusLine,
} from '../lib/order-status.ts'
import { cancelledNotice, itemsTable, progressSteps, readyNotice } from './order-view.ts'

/** How often the status is asked for while the order moves (ms). */
export const POLL_MS = 1000
/** Longest pause between tries while the API cannot be reached (ms). */
export const MAX_RETRY_MS = 10_000
/** Silence after which the stream counts as dead (ms): the server pings every 15 s. */
export const SILENCE_MS = 40_000

function checkoutReturn(): CheckoutReturn {
  const value = new URLSearchParams(location.search).get('checkout')
  if (value === null) return undefined
  return value === 'success' || value === 'cancelled' ? value : 'opened'
}

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err))

export function startOrderTracker(customerId: string, orderId: string) {
  const number = orderNumber(orderId)
  const el = {
    page: document.querySelector<HTMLElement>('.order-page') ?? document.body,
    status: byId('order-status'),
    progress: byId('order-progress'),
    ready: byId('order-ready'),
    error: byId('order-error'),
    actions: byId('order-actions'),
    details: byId('order-details'),
    items: byId('order-items'),
  }
  let checkout = checkoutReturn()
  let arrivedAt = Date.now()
  const waitedMs = () => Date.now() - arrivedAt
  let order: Order | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let failures = 0
  let cancelling = false
  let stopped = false
  let stream: EventSource | undefined
  let live = false
  let heard = Date.now()

  function setStatus(text: string) {
    // Only real changes, so screen readers announce each step once.
    if (el.status.textContent !== text) el.status.textContent = text
  }

  let shown = ''

  /** Redraws when something visible changed, keeping the keyboard focus where it was. */
  function render() {
    const current = order
    if (!current) return
    const link = httpUrl(current.paymentLink)
    const settling = checkout === 'cancelled' && waitedMs() < CANCEL_SETTLE_MS
    const key = JSON.stringify([current, checkout, settling, cancelling])
    if (key === shown) return
    shown = key
    keepFocus(() => draw(current, link, settling))
  }

  function draw(order: Order, link: string | undefined, settling: boolean) {
    const { status } = order
    el.page.dataset.status = status
    document.title = `${badgeOf(status)} · Order #${number} · OMS food counter`
    setStatus(
      order.refund
        ? refundLine(order.refund)
        : statusLine(status, checkout, Boolean(link), waitedMs()),
    )
    el.status.toggleAttribute('data-final', isFinal(status, order.refund))
    el.progress.hidden = status === 'cancelled'
    show(el.progress, status === 'cancelled' ? null : progressSteps(status))
    show(
      el.ready,
      status === 'ready' ? readyNotice(number) : status === 'cancelled' ? cancelledNotice() : null,
    )
    // Right after checkout's Cancel the order is being cancelled: offer nothing for a moment.
    const canCancel = status === 'pending' && checkout !== 'success' && !settling
    const canPay = canCancel && link
    show(
      el.actions,
      canPay &&
        h('a', { class: 'button primary', href: link, 'data-focus': 'order:pay' }, 'Pay now'),
      canCancel &&
        h(
          'button',
          {
            type: 'button',
            class: 'button danger',
            'data-focus': 'order:cancel',
            disabled: cancelling,
            'aria-busy': cancelling ? 'true' : undefined,
            onclick: () => void cancel(),
          },
          cancelling ? 'Cancelling…' : 'Cancel order',
        ),
    )
    el.details.hidden = false
    show(el.items, itemsTable(order))
  }

  /** Keeps the newest answer: a slow poll must not undo what a cancel just showed. */
  function accept(next: Order) {
    if (!order || next.updatedAt >= order.updatedAt) order = next
  }

  function goToCheckout(link: string) {
    // Coming back with the browser's Back button shows this order rather than checkout again.
    const here = new URL(location.href)
    here.searchParams.set('checkout', 'opened')
    history.replaceState(null, '', here)
    checkout = 'opened'
    stopped = true
    stream?.close()
    stream = undefined
    location.assign(link)
  }

  /** Whether the status must be asked for: the push says nothing of the payment link. */
  function needsPoll(): boolean {
    if (!live) return true
    return order?.status === 'pending' && !httpUrl(order.paymentLink)
  }

  /** Acts on an order just learnt (from an answer or the stream). */
  function arrived() {
    render()
    const link = httpUrl(order?.paymentLink)
    if (order?.status === 'pending' && link && checkout === undefined) {
      goToCheckout(link)
      return
    }
    if (order && isFinal(order.status, order.refund)) {
      stream?.close()
      stream = undefined
      live = false
    } else if (!stream && !stopped) follow()
  }

  /** Opens the order's stream (the browser reconnects it after a drop or a restart). */
  function follow() {
    const url = `/api/customers/${encodeURIComponent(customerId)}/orders/${encodeURIComponent(orderId)}/stream`
    const source = new EventSource(url)
    stream = source
    heard = Date.now()
    for (const name of ['open', 'order', 'ping'])
      source.addEventListener(name, () => {
        heard = Date.now()
      })
    source.addEventListener('order', (e) => {
      live = true
      accept((JSON.parse((e as MessageEvent<string>).data) as { order: Order }).order)
      if (failures > 0) show(el.error)
      failures = 0
      arrived()
    })
    source.addEventListener('error', () => {
      live = false
      // Refused for good (not a drop the browser retries): poll, and open it again later.
      if (source.readyState === EventSource.CLOSED && stream === source) stream = undefined
      if (!timer) timer = setTimeout(refresh, POLL_MS)
    })
  }

  async function refresh() {
    clearTimeout(timer)
    timer = undefined
    try {
      accept((await api.order(customerId, orderId)).order)
      if (failures > 0) show(el.error)
      failures = 0
    } catch (err) {
      const apiError = asApiError(err)
      failures += 1
      if (apiError.code === 'ORDER_NOT_FOUND' || apiError.code === 'INVALID_REQUEST') {
        setStatus('Order not found.')
        show(
          el.error,
          loadMessage(apiError, 'order'),
          ' ',
          h('a', { href: '/my-orders' }, 'See my orders'),
        )
        return
      }
      show(el.error, `${loadMessage(apiError, 'order')} Trying again…`)
    }
    arrived()
    if (stopped || (order && isFinal(order.status, order.refund))) return
    if (!order || failures > 0 || needsPoll())
      timer = setTimeout(
        refresh,
        failures ? Math.min(MAX_RETRY_MS, POLL_MS * 2 ** failures) : POLL_MS,
      )
  }

  async function cancel() {
    if (cancelling) return
    cancelling = true
    show(el.error)
    render()
    try {
      accept((await api.cancel(customerId, orderId)).order)
    } catch (err) {
      show(el.error, cancelMessage(asApiError(err)))
    }
    cancelling = false
    render()
    el.status.focus()
    void refresh()
  }

  // Restored from the back/forward cache (Back from checkout): read the address again.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return
    checkout = checkoutReturn() ?? 'opened'
    arrivedAt = Date.now()
    stopped = false
    void refresh()
  })

  // A stream gone silent (a dropped network closes nothing the browser notices) is opened anew.
  setInterval(() => {
    if (!stream || Date.now() - heard < SILENCE_MS) return
    stream.close()
    stream = undefined
    live = false
    follow()
  }, SILENCE_MS / 4)

  void refresh()
}
