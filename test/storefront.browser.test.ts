/**
 * The storefront in a real browser: Debian's Chromium, driven by playwright-core, against a
 * whole system on embedded defaults (local checkout). Each step's screenshot is saved under
 * test-artifacts/screenshots/. Without Chromium the suite is skipped with the reason printed,
 * except under CI, where it fails (.ci/install-chromium.sh installs it).
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  browserTestsRun,
  launchChromium,
  pageErrorsOf,
  SCREENSHOTS,
  startShop as startSystemOnPort,
} from './browser.ts'
import { ADMIN_TOKEN, type TestSystem, waitFor } from './fixtures.ts'

const DESKTOP = { width: 1280, height: 860 }
const PHONE = { width: 390, height: 844 }
/** Long enough to see "preparing" on a page that polls every second. */
const COOK_MS = '1500'
const BROWSER_TEST_MS = 60_000

const startShop = () => startSystemOnPort({ KITCHEN_COOK_MS: COOK_MS })

describe.skipIf(!browserTestsRun('storefront'))('the storefront in Chromium', () => {
  let browser: Browser
  let system: TestSystem
  let context: BrowserContext
  let page: Page
  let base: string
  /** Uncaught errors and console errors of the page (a CSP violation would land here). */
  let pageErrors: string[]

  beforeAll(async () => {
    browser = await launchChromium()
  }, BROWSER_TEST_MS)
  afterAll(async () => {
    await browser?.close()
  })

  async function open(viewport = DESKTOP, mobile = false) {
    system = await startShop()
    base = system.config.publicUrl
    context = await browser.newContext({
      viewport,
      deviceScaleFactor: mobile ? 2 : 1,
      isMobile: mobile,
      hasTouch: mobile,
      locale: 'en-US',
      timezoneId: 'UTC',
    })
    page = await context.newPage()
    pageErrors = pageErrorsOf(page)
  }

  afterEach(async () => {
    await context?.close()
    await system?.stop()
    expect(pageErrors).toEqual([])
  })

  const shot = (name: string, fullPage = true) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage })

  const card = (name: string) => page.locator('.item', { has: page.getByRole('heading', { name }) })
  const cartLine = (name: string) =>
    page.locator('.cart-line', { has: page.locator('.line-name', { hasText: name }) })
  const orderPage = (status: string) => page.locator(`.order-page[data-status="${status}"]`)

  async function gotoMenu() {
    await page.goto(`${base}/`)
    await expect.poll(() => page.locator('.item').count()).toBe(5)
  }

  /** Adds items through the menu's buttons: Add, then "One more" until the quantity. */
  async function addToCart(name: string, quantity: number) {
    await page.getByRole('button', { name: `Add ${name} to your order` }).click()
    for (let i = 1; i < quantity; i++)
      await page
        .getByRole('button', { name: `One more ${name}` })
        .first()
        .click()
    await expect.poll(() => card(name).locator('.step-count').textContent()).toBe(String(quantity))
  }

  async function placeOrderToCheckout() {
    await page.getByRole('button', { name: /^Place order/ }).click()
    await page.waitForURL(/\/checkout\/cs_local_/)
  }

  const orderIdFromUrl = () => {
    const match = new URL(page.url()).pathname.match(/^\/orders\/([^/]+)\/([^/]+)$/)
    if (!match) throw new Error(`not an order page: ${page.url()}`)
    return { customerId: decodeURIComponent(match[1]!), orderId: decodeURIComponent(match[2]!) }
  }

  it(
    'buys through the UI: menu, cart, local checkout, Pay, then the status live until ready',
    async () => {
      await open()
      await gotoMenu()
      const burger = card('Classic burger')
      await expect.poll(() => burger.locator('.price').textContent()).toBe('€9.50')
      await expect.poll(() => burger.locator('.stock').textContent()).toBe('100 available')
      await expect
        .poll(() => card('Chocolate brownie').locator('.item-description').textContent())
        .toBe('Dark chocolate and sea salt; limited batch baked each morning')

      // Keyboard: Enter on Add; focus stays on the item's stepper when the button is replaced.
      await page.getByRole('button', { name: 'Add Classic burger to your order' }).focus()
      await page.keyboard.press('Enter')
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
        .toBe('One more Classic burger')
      await page.keyboard.press('Enter')
      await expect
        .poll(() => page.locator('#cart-live').textContent())
        .toBe('Classic burger: 2 in your order.')
      await addToCart('Fries', 1)
      await expect.poll(() => cartLine('Classic burger').locator('input').inputValue()).toBe('2')
      await expect.poll(() => page.getByTestId('cart-total').textContent()).toBe('€22.50')
      // The cart is beside the menu on a wide screen: no bottom bar.
      expect(await page.locator('#cart-bar').isVisible()).toBe(false)
      await shot('purchase-1-cart')

      await placeOrderToCheckout()
      await expect.poll(() => page.locator('[data-testid="total"]').textContent()).toBe('€22.50')
      await expect.poll(() => page.getByText('Classic burger').count()).toBeGreaterThan(0)
      await shot('purchase-2-checkout')

      await page.getByRole('button', { name: /^Pay/ }).click()
      await page.waitForURL(/\/orders\/[^/]+\/[^/?]+\?checkout=success$/)
      const { customerId, orderId } = orderIdFromUrl()
      await expect(page.evaluate(() => localStorage.getItem('oms.customerId'))).resolves.toBe(
        customerId,
      )
      await orderPage('preparing').waitFor({ timeout: 15_000 })
      await expect
        .poll(() => page.locator('.step[aria-current="step"] .step-label').textContent())
        .toBe('Preparing')
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toBe('The kitchen is preparing your order.')
      await shot('purchase-3-preparing')

      await orderPage('ready').waitFor({ timeout: 15_000 })
      const notice = page.getByTestId('ready-notice')
      await expect.poll(() => notice.textContent()).toMatch(/^Ready for pickup/)
      const number = orderId.replace(/-/g, '').slice(0, 8).toUpperCase()
      await expect.poll(() => notice.textContent()).toContain(`#${number}`)
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe(`Order #${number}`)
      await expect.poll(() => page.getByTestId('order-total').textContent()).toBe('€22.50')
      await expect.poll(() => page.locator('#order-actions button').count()).toBe(0)
      await shot('purchase-4-ready')

      const { body } = await system.json(`/api/customers/${customerId}/orders/${orderId}`)
      expect(body.order).toMatchObject({
        status: 'ready',
        total: 2250,
        items: [
          { id: 'burger', quantity: 2 },
          { id: 'fries', quantity: 1 },
        ],
      })
      // The cart was emptied once the order was placed.
      await page.goto(`${base}/`)
      await expect.poll(() => page.locator('.cart-empty').count()).toBe(1)
    },
    BROWSER_TEST_MS,
  )

  it(
    'cancels a pending order from its page, and from the checkout page',
    async () => {
      await open()
      await gotoMenu()
      await addToCart('Veggie wrap', 2)
      await placeOrderToCheckout()
      // Back from checkout: the order page, pending, with Pay now and Cancel order.
      await page.goBack()
      await page.waitForURL(/\?checkout=opened$/)
      await orderPage('pending').waitFor()
      await expect.poll(() => page.getByRole('link', { name: 'Pay now' }).count()).toBe(1)
      await shot('cancel-1-pending')
      // From the keyboard; the page keeps polling, and the focus stays on the button.
      await page.getByRole('button', { name: 'Cancel order' }).focus()
      await page.waitForTimeout(2500)
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel order')
      await page.keyboard.press('Enter')
      await orderPage('cancelled').waitFor()
      await expect
        .poll(() => page.getByTestId('cancelled-notice').textContent())
        .toMatch(/^Order cancelled/)
      await expect.poll(() => page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0)
      await shot('cancel-2-cancelled')
      const first = orderIdFromUrl()
      const { body } = await system.json(
        `/api/customers/${first.customerId}/orders/${first.orderId}`,
      )
      expect(body.order.status).toBe('cancelled')

      // Cancel on the checkout page: back on the order page, cancelled.
      await gotoMenu()
      await addToCart('Lemonade', 1)
      await placeOrderToCheckout()
      await page.getByRole('button', { name: 'Cancel', exact: true }).click()
      await page.waitForURL(/\?checkout=cancelled$/)
      await orderPage('cancelled').waitFor({ timeout: 15_000 })
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toBe('This order was cancelled.')
      await shot('cancel-3-checkout-cancelled')
      const second = orderIdFromUrl()
      expect(second.orderId).not.toBe(first.orderId)
      // Both reservations were released.
      await waitFor(
        async () => {
          const { body } = await system.json('/api/menu')
          const available = Object.fromEntries(
            body.items.map((i: { id: string; available: number }) => [i.id, i.available]),
          )
          return available['veggie-wrap'] === 80 && available.lemonade === 150 ? true : undefined
        },
        { what: 'released stock' },
      )
    },
    BROWSER_TEST_MS,
  )

  it(
    'explains out of stock, invalid quantities and server errors in the page',
    async () => {
      await open()
      const setStock = (quantity: number) =>
        system.json('/api/admin/stock/brownie', {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ quantity }),
        })
      expect((await setStock(3)).status).toBe(200)
      await gotoMenu()
      const brownie = card('Chocolate brownie')
      await expect.poll(() => brownie.locator('.stock').textContent()).toBe('Only 3 left')
      await addToCart('Chocolate brownie', 3)
      const more = page.getByRole('button', { name: 'One more Chocolate brownie' })
      await expect.poll(() => more.first().isDisabled()).toBe(true)
      const line = cartLine('Chocolate brownie')
      await expect
        .poll(() => line.locator('.line-note').textContent())
        .toBe('That is all we have left.')

      // Quantities typed by hand: each problem says what is wrong, and nothing is sent.
      const quantity = page.getByLabel('Quantity of Chocolate brownie')
      const cartError = page.locator('#cart-error')
      const placeOrder = page.getByRole('button', { name: /^Place order/ })
      for (const [typed, message] of [
        ['99', 'You can order at most 50 × Chocolate brownie at once.'],
        ['5', 'Only 3 × Chocolate brownie left. Lower the quantity to 3 or less.'],
        ['0', 'Enter a whole number of at least 1 for Chocolate brownie.'],
      ] as const) {
        await quantity.fill(typed)
        await quantity.press('Tab')
        await expect.poll(() => line.locator('.line-problem').textContent()).toBe(message)
        await placeOrder.click()
        await expect.poll(() => cartError.textContent()).toBe(message)
        await expect.poll(() => quantity.evaluate((el) => el === document.activeElement)).toBe(true)
      }
      await shot('errors-1-invalid-quantity')
      expect((await system.json('/api/customers/x/orders')).body.orders).toEqual([])

      // Stock goes down behind the page's back: the API's OUT_OF_STOCK, in words.
      await quantity.fill('3')
      await quantity.press('Tab')
      await expect.poll(() => line.locator('.line-problem').count()).toBe(0)
      expect((await setStock(1)).status).toBe(200)
      // The Idempotency-Key each Place order sends.
      const keys: string[] = []
      page.on('request', (r) => {
        if (r.method() === 'POST' && /\/api\/customers\/[^/]+\/orders$/.test(r.url()))
          keys.push(r.headers()['idempotency-key'] ?? '')
      })
      await placeOrder.click()
      await expect
        .poll(() => page.getByRole('alert').filter({ hasText: 'Sorry' }).textContent())
        .toBe(
          'Sorry, only 1 × Chocolate brownie left (you asked for 3). Please adjust your order and try again.',
        )
      await expect.poll(() => brownie.locator('.stock').textContent()).toBe('Only 1 left')
      await expect
        .poll(() => line.locator('.line-problem').textContent())
        .toBe('Only 1 × Chocolate brownie left. Lower the quantity to 1 or less.')
      await expect.poll(() => page.url()).toBe(`${base}/`)
      await shot('errors-2-out-of-stock')

      // The server fails, then the network does: readable messages, never the raw body.
      await page.getByRole('button', { name: 'One fewer Chocolate brownie' }).last().click()
      await expect.poll(() => quantity.inputValue()).toBe('1')
      await page.route('**/api/customers/*/orders', (route) =>
        route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: '{"error":{"code":"INTERNAL","message":"internal error"}}',
        }),
      )
      await placeOrder.click()
      await expect
        .poll(() => cartError.textContent())
        .toBe('Something went wrong on our side (error 500). Please try again in a moment.')
      await page.unroute('**/api/customers/*/orders')
      await page.route('**/api/customers/*/orders', (route) => route.abort('connectionrefused'))
      await placeOrder.click()
      await expect
        .poll(() => cartError.textContent())
        .toBe('We could not reach the counter. Check your connection and try again.')
      await shot('errors-3-network')
      await page.unroute('**/api/customers/*/orders')
      expect(await cartError.textContent()).not.toContain('{')

      // And once all is well, the order goes through.
      await placeOrder.click()
      await page.waitForURL(/\/checkout\/cs_local_/)
      // A new key for the new cart after OUT_OF_STOCK; the same for its retries after a
      // failure on our side and no answer, so a retry cannot place the order twice.
      expect(keys).toHaveLength(4)
      expect(keys[0]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
      expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/)
      expect(keys[1]).not.toBe(keys[0])
      expect(keys.slice(2)).toEqual([keys[1], keys[1]])
    },
    BROWSER_TEST_MS,
  )

  it(
    "lists the customer's orders, newest first, with status badges and links",
    async () => {
      await open()
      await gotoMenu()
      const customerId = await page.evaluate(() => localStorage.getItem('oms.customerId'))
      expect(customerId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
      const place = async (id: string, quantity: number) => {
        const { status, body } = await system.json(`/api/customers/${customerId}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ items: [{ id, quantity }] }),
        })
        expect(status).toBe(201)
        return body.order.id as string
      }
      const older = await place('burger', 1)
      await new Promise((resolve) => setTimeout(resolve, 10))
      const newer = await place('fries', 3)
      await system.fetch(`/api/customers/${customerId}/orders/${older}/cancel`, { method: 'POST' })
      await system.json('/api/customers/someone-else/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'lemonade', quantity: 1 }] }),
      })

      await page.getByRole('link', { name: 'My orders' }).click()
      await page.waitForURL(`${base}/my-orders`)
      const cards = page.locator('.order-card')
      await expect.poll(() => cards.count()).toBe(2)
      await expect.poll(() => cards.nth(0).getAttribute('data-order')).toBe(newer)
      await expect.poll(() => cards.nth(1).getAttribute('data-order')).toBe(older)
      await expect.poll(() => cards.nth(0).locator('.badge').textContent()).toBe('Awaiting payment')
      await expect.poll(() => cards.nth(1).locator('.badge').textContent()).toBe('Cancelled')
      await expect
        .poll(() => cards.nth(0).locator('.order-card-items').textContent())
        .toBe('3 × Fries')
      await expect.poll(() => cards.nth(0).locator('strong').textContent()).toBe('€10.50')
      await expect
        .poll(() => cards.nth(1).getByRole('link').getAttribute('href'))
        .toBe(`/orders/${customerId}/${older}`)
      await shot('my-orders-1-list')

      await cards.nth(1).getByRole('link').click()
      await orderPage('cancelled').waitFor()
      expect(orderIdFromUrl()).toEqual({ customerId, orderId: older })
    },
    BROWSER_TEST_MS,
  )

  /** Whether the element is wholly inside the viewport as it is scrolled now. */
  const inViewport = async (locator: ReturnType<Page['locator']>) => {
    const box = await locator.boundingBox()
    const viewport = page.viewportSize()
    if (!box || !viewport) return false
    return (
      box.y >= 0 &&
      box.x >= 0 &&
      box.y + box.height <= viewport.height &&
      box.x + box.width <= viewport.width
    )
  }

  it(
    'fits a phone screen (390×844): a cart bar always at hand leads to Place order',
    async () => {
      await open(PHONE, true)
      const noSideScroll = () =>
        page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
      await gotoMenu()
      expect(await noSideScroll()).toBe(true)
      const bar = page.locator('#cart-bar')
      expect(await bar.isVisible()).toBe(false)

      // One item added at the top of the menu: the bar shows at the bottom of the screen as it is.
      await page.getByRole('button', { name: 'Add Chocolate brownie to your order' }).click()
      expect(await page.evaluate(() => window.scrollY)).toBe(0)
      await expect.poll(() => inViewport(bar)).toBe(true)
      await expect.poll(() => bar.locator('.cart-bar-count').textContent()).toBe('1 item')
      await expect.poll(() => bar.locator('.cart-bar-total').textContent()).toBe('€4.00')
      // …and the cart itself is far below, past the whole menu.
      expect(await inViewport(page.getByRole('button', { name: /^Place order/ }))).toBe(false)
      await page.getByRole('button', { name: 'One fewer Chocolate brownie' }).first().click()
      await expect.poll(() => bar.isVisible()).toBe(false)

      await addToCart('Classic burger', 2)
      await addToCart('Lemonade', 1)
      // Wherever the menu is scrolled to, the bar is on screen while the cart is not.
      for (const y of [0, 150]) {
        await page.evaluate((top) => window.scrollTo(0, top), y)
        await expect.poll(() => inViewport(bar), { message: `scrolled to ${y}` }).toBe(true)
      }
      await expect.poll(() => bar.textContent()).toBe('3 items€22.00View order')
      expect(await noSideScroll()).toBe(true)
      await shot('phone-1-menu', false)

      // Tapping it shows the cart with Place order on screen; the focus is in the cart.
      await bar.click()
      const placeOrder = page.getByRole('button', { name: /^Place order/ })
      await expect.poll(() => inViewport(placeOrder)).toBe(true)
      await expect.poll(() => inViewport(page.locator('#cart-title'))).toBe(true)
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('cart-title')
      await expect.poll(() => bar.isVisible()).toBe(false)
      await shot('phone-2-cart', false)

      // From the keyboard too.
      await page.evaluate(() => window.scrollTo(0, 0))
      await expect.poll(() => bar.isVisible()).toBe(true)
      await bar.focus()
      await page.keyboard.press('Enter')
      await expect.poll(() => inViewport(placeOrder)).toBe(true)
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('cart-title')

      // The icon every page links is the gateway's own SVG, and renders.
      const icon = await page.evaluate(async () => {
        const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? ''
        const res = await fetch(href)
        const img = new Image()
        img.src = href
        await img.decode()
        return {
          href,
          status: res.status,
          type: res.headers.get('content-type'),
          width: img.naturalWidth,
        }
      })
      expect(icon).toEqual({
        href: `${base}/favicon.svg`,
        status: 200,
        type: 'image/svg+xml',
        width: 32,
      })

      await placeOrderToCheckout()
      expect(await noSideScroll()).toBe(true)
      await shot('phone-3-checkout')
      await page.getByRole('button', { name: /^Pay/ }).click()
      await orderPage('ready').waitFor({ timeout: 15_000 })
      expect(await noSideScroll()).toBe(true)
      await shot('phone-4-order-ready')

      await page.goto(`${base}/my-orders`)
      await expect.poll(() => page.locator('.order-card').count()).toBe(1)
      expect(await noSideScroll()).toBe(true)
      await shot('phone-5-my-orders')
    },
    BROWSER_TEST_MS,
  )
})
