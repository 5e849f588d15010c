/** The storefront's menu page: loads the menu, keeps the cart (saved on this device), places the order. */
import { ApiError, api, type MenuItem } from '../lib/api.ts'
import {
  type Cart,
  cartProblems,
  type Limits,
  orderLines,
  parseCart,
  serializeCart,
  setQuantity,
} from '../lib/cart.ts'
import { browserStorage, customerId } from '../lib/customer.ts'
import { byId, h, httpUrl, keepFocus, show } from '../lib/dom.ts'
import { loadMessage, placeOrderMessage } from '../lib/messages.ts'
import { cartBar, cartPanel } from './cart-panel.ts'
import { menuCard } from './menu-list.ts'

export const CART_KEY = 'oms.cart'
/** Height of the bottom band the phone's cart bar covers (bar, its margin and shadow). */
const CART_BAR_BAND_PX = 88

const asApiError = (err: unknown) =>
  err instanceof ApiError ? err : new ApiError(0, 'NETWORK', String(err))

/** Where focus goes when the focused control disappears (Add became a stepper, a line went). */
function focusFallbacks(key: string): string[] {
  const [area, , id] = key.split(':')
  if (!id) return []
  const others = ['inc', 'dec', 'add', 'qty'].map((action) => `${area}:${action}:${id}`)
  return area === 'cart' ? [...others, 'cart:place'] : others
}

export function startShop(limits: Limits) {
  const customer = customerId()
  const storage = browserStorage()
  const el = {
    menuStatus: byId('menu-status'),
    menuError: byId('menu-error'),
    menuList: byId('menu-list'),
    cartTitle: byId('cart-title'),
    cartBody: byId('cart-body'),
    cartError: byId('cart-error'),
    cartLive: byId('cart-live'),
    cartBar: byId<HTMLAnchorElement>('cart-bar'),
  }
  let items: MenuItem[] = []
  let menu = new Map<string, MenuItem>()
  let loaded = false
  let placing = false
  let cart: Cart = readCart()

  function readCart(): Cart {
    try {
      return parseCart(storage?.getItem(CART_KEY) ?? null)
    } catch {
      return new Map()
    }
  }
  function saveCart() {
    try {
      storage?.setItem(CART_KEY, serializeCart(cart))
    } catch {}
  }
  function change(next: Cart) {
    cart = next
    saveCart()
    show(el.cartError)
    render()
  }

  /** Says what a −/+/Remove did, for screen readers (the count changes silently otherwise). */
  function announce(id: string, quantity: number) {
    const name = menu.get(id)?.name ?? id
    el.cartLive.textContent =
      quantity > 0 ? `${name}: ${quantity} in your order.` : `${name} removed from your order.`
  }

  const actions = {
    setQuantity: (id: string, quantity: number) => {
      change(setQuantity(cart, id, quantity))
      announce(id, quantity)
    },
    typeQuantity: (id: string, value: string) => {
      const next = new Map(cart)
      next.set(id, value.trim() === '' ? Number.NaN : Number(value))
      // After the change event, so a Tab away lands before the cart is redrawn.
      setTimeout(() => change(next), 0)
    },
    placeOrder: () => void placeOrder(),
  }

  function render() {
    keepFocus(() => {
      show(
        el.menuList,
        items.map((item) => menuCard(item, cart, limits, actions)),
      )
      const view = { cart, menu, limits, problems: cartProblems(cart, menu, limits), placing }
      if (loaded) show(el.cartBody, cartPanel(view, actions))
      else if (cart.size > 0) show(el.cartBody, h('p', { class: 'muted' }, 'Loading your order…'))
      else show(el.cartBody, cartPanel(view, actions))
      el.cartBar.hidden = cart.size === 0 || !loaded
      show(el.cartBar, cartBar(view))
    }, focusFallbacks)
  }

  async function loadMenu() {
    try {
      items = (await api.menu()).items
      menu = new Map(items.map((item) => [item.id, item]))
      loaded = true
      show(el.menuError)
      show(el.menuStatus, items.length === 0 ? 'Nothing is on the menu right now.' : '')
    } catch (err) {
      show(el.menuStatus)
      show(
        el.menuError,
        loadMessage(asApiError(err), 'menu'),
        ' ',
        h(
          'button',
          { type: 'button', class: 'link-button', onclick: () => void loadMenu() },
          'Try again',
        ),
      )
    }
    render()
  }

  /**
   * The submission in the air: its Idempotency-Key is sent again when the customer retries the
   * same cart after no answer or a failure on our side, so a retry never places a second order.
   */
  let submission: { key: string; lines: string } | undefined

  async function placeOrder() {
    if (placing || cart.size === 0) return
    const problems = cartProblems(cart, menu, limits)
    if (problems.length > 0) {
      show(el.cartError, problems.map((p) => p.message).join(' '))
      const first = problems.find((p) => p.itemId)
      if (first?.itemId) document.getElementById(`qty-${first.itemId}`)?.focus()
      return
    }
    placing = true
    show(el.cartError)
    render()
    try {
      const lines = orderLines(cart)
      const sent = JSON.stringify(lines)
      if (submission?.lines !== sent) submission = { key: newIdempotencyKey(), lines: sent }
      const { redirectToURL } = await api.placeOrder(customer, lines, submission.key)
      submission = undefined
      cart = new Map()
      saveCart()
      location.assign(httpUrl(redirectToURL) ?? '/my-orders')
      return
    } catch (err) {
      placing = false
      const apiError = asApiError(err)
      // Answered for good (the cart must change first): the next click is a new order.
      if (!RETRYABLE.has(apiError.code) && apiError.status < 500) submission = undefined
      show(
        el.cartError,
        placeOrderMessage(apiError, (id) => menu.get(id)?.name ?? id),
      )
      // Show what is really left now, so the lines at fault say so.
      if (apiError.code === 'OUT_OF_STOCK' || apiError.code === 'ITEM_NOT_FOUND') await loadMenu()
      else render()
      // The button was disabled while sending, which drops focus: give it back.
      document.querySelector<HTMLElement>('[data-focus="cart:place"]')?.focus()
    }
  }

  // Back from checkout, a page restored from the back/forward cache has a stale cart.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return
    placing = false
    cart = readCart()
    void loadMenu()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && loaded && !placing) void loadMenu()
  })

  // On a phone the bar is for reaching the cart: not needed once the cart is on screen above
  // the band the bar covers (so it stays while the cart only peeks in behind it).
  const cartPanelEl = byId('cart')
  if ('IntersectionObserver' in window) {
    new IntersectionObserver(
      ([entry]) => el.cartBar.classList.toggle('cart-in-view', Boolean(entry?.isIntersecting)),
      { rootMargin: `0px 0px -${CART_BAR_BAND_PX}px 0px` },
    ).observe(cartPanelEl)
  }
  // The bar's link scrolls to the cart; the focus goes with it (to the cart's heading), so a
  // keyboard or screen reader user lands in the cart rather than on a bar that has gone.
  el.cartBar.addEventListener('click', (event) => {
    event.preventDefault()
    cartPanelEl.scrollIntoView({ block: 'start' })
    el.cartTitle.focus({ preventScroll: true })
  })

  render()
  void loadMenu()
}

/** Failures after which the same submission may still have been placed (or not yet). */
const RETRYABLE = new Set(['NETWORK', 'HTTP', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL'])

/** A random UUID; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
