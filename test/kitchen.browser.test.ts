/**
 * The kitchen display in a real browser (Debian's Chromium, playwright-core), with the customer's
 * order page beside it, on a system whose gateway runs on its own (the other domains in another
 * runtime, sharing the embedded bus, store and registry) in KITCHEN_MODE=staff: a customer
 * orders and pays; the order appears on two open displays without a reload; Start and Ready on
 * them move the customer's page to "Ready for pickup" without a reload; the gateway restarts
 * mid-shift, and the network drops silently, and the display reconnects by itself each time. Screenshots of each step go to
 * test-artifacts/screenshots/ (and the README's to docs/ when UPDATE_DOCS_SCREENSHOTS=1).
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Adapters } from '../runtime/adapters/create-adapters.ts'
import { createAdapters } from '../runtime/adapters/create-adapters.ts'
import {
  browserTestsRun,
  docsScreenshot,
  launchChromium,
  pageErrorsOf,
  screenshot,
} from './browser.ts'
import { silentLogger, startSystem, type TestSystem, testConfig } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'
import { startSilentDropProxy } from './servers/silent-drop-proxy.ts'

const STAFF_TOKEN = 'browser-staff-credential-42'
const TABLET = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const TEST_MS = 120_000

describe.skipIf(!browserTestsRun('kitchen display'))('the kitchen display in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>
  let adapters: Adapters
  let rest: TestSystem
  let gateway: TestSystem | undefined
  let port: number
  let base: string
  const contexts: BrowserContext[] = []
  const errors: string[][] = []

  const env = () => ({
    PORT: String(port),
    PUBLIC_URL: base,
    STAFF_TOKEN,
    KITCHEN_MODE: 'staff',
  })
  const startGateway = async () => {
    gateway = await startSystem({ select: ['gateway'], env: env(), adapters })
  }

  beforeAll(async () => {
    browser = await launchChromium()
    port = await freePort()
    base = `http://127.0.0.1:${port}`
    adapters = await createAdapters(testConfig(env()), silentLogger)
    rest = await startSystem({
      select: ['orders', 'menu', 'stock', 'payments', 'kitchen'],
      env: { ...env(), PORT: '0' },
      adapters,
    })
    await startGateway()
  }, TEST_MS)
  afterAll(async () => {
    for (const c of contexts) await c.close()
    await browser?.close()
    await gateway?.stop()
    await rest?.stop()
    await Promise.allSettled([adapters?.bus.close(), adapters?.registry.close()])
    await adapters?.store.close()
  })

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage()
    const pageErrors = pageErrorsOf(page)
    errors.push(pageErrors)
    return page
  }
  async function newContext(viewport = TABLET, touch = false) {
    const context = await browser.newContext({
      viewport,
      hasTouch: touch,
      isMobile: touch && viewport.width < 500,
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
    })
    contexts.push(context)
    return context
  }

  const ticket = (page: Page, lane: string, orderId: string) =>
    page.locator(`#lane-list-${lane} .ticket[data-order="${orderId}"]`)
  /** A mark set once on a page: still there later, so the page was never reloaded. */
  const mark = (page: Page) => page.evaluate(() => Object.assign(window, { __notReloaded: true }))
  const marked = (page: Page) =>
    page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true)

  it(
    'shows a paid order on two displays at once, moves it by touch, and the customer sees it ready',
    async () => {
      // The display: signed in after a wrong try.
      const staff = await newContext(TABLET, true)
      const display = await newPage(staff)
      await display.goto(`${base}/kitchen`)
      await display.getByLabel('Credential').fill('not-the-credential')
      await display.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => display.locator('#sign-in-error').textContent()).toMatch(/not right/)
      await screenshot(display, 'kitchen-1-sign-in-refused')
      await display.getByLabel('Credential').fill(STAFF_TOKEN)
      await display.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => display.locator('#kitchen-link').textContent()).toBe('Live')
      await expect.poll(() => display.locator('#lane-list-paid .lane-empty').count()).toBe(1)
      await screenshot(display, 'kitchen-2-empty')
      // A second display in the same browser: signed in already.
      const second = await newPage(staff)
      await second.goto(`${base}/kitchen`)
      await expect.poll(() => second.locator('#kitchen-link').textContent()).toBe('Live')
      for (const p of [display, second]) await mark(p)

      // The customer orders and pays on a phone.
      const customer = await newPage(await newContext(PHONE, true))
      await customer.goto(`${base}/`)
      await customer.getByRole('button', { name: 'Add Classic burger to your order' }).click()
      await customer.getByRole('button', { name: 'One more Classic burger' }).first().click()
      await customer.getByRole('button', { name: 'Add Fries to your order' }).click()
      await customer.getByRole('link', { name: /View order/ }).click()
      await customer.getByRole('button', { name: /^Place order/ }).click()
      await customer.waitForURL(/\/checkout\/cs_local_/)
      await customer.getByRole('button', { name: /^Pay/ }).click()
      await customer.waitForURL(/\/orders\/[^/]+\/[^/?]+\?checkout=success$/)
      const orderId = decodeURIComponent(new URL(customer.url()).pathname.split('/')[3] as string)
      const number = orderId.replace(/-/g, '').slice(0, 8).toUpperCase()
      await customer.locator('.order-page[data-status="paid"]').waitFor({ timeout: 10_000 })
      await mark(customer)

      // On both displays, without a reload: its number and lines, nothing of the customer.
      for (const p of [display, second]) {
        const card = ticket(p, 'paid', orderId)
        await card.waitFor({ timeout: 5000 })
        await expect.poll(() => card.locator('.ticket-number').textContent()).toBe(`#${number}`)
        await expect
          .poll(() => card.locator('.ticket-lines').textContent())
          .toMatch(/2 ×\s*Classic burger\s*1 ×\s*Fries/)
      }
      expect(await display.locator('#kitchen').textContent()).not.toMatch(/€|customer/i)
      await screenshot(display, 'kitchen-3-paid-order')

      // Start, by touch on the first display: both show it preparing, and the customer too.
      await ticket(display, 'paid', orderId)
        .getByRole('button', { name: /^Start/ })
        .tap()
      for (const p of [display, second]) await ticket(p, 'preparing', orderId).waitFor()
      await expect.poll(() => display.locator('#count-paid').textContent()).toBe('0')
      await customer.locator('.order-page[data-status="preparing"]').waitFor({ timeout: 5000 })
      await screenshot(display, 'kitchen-4-preparing')
      await screenshot(customer, 'kitchen-4-customer-preparing')

      // Ready, on the second display: the customer's page says "Ready for pickup" at once.
      await ticket(second, 'preparing', orderId)
        .getByRole('button', { name: /^Ready/ })
        .tap()
      await customer.locator('.order-page[data-status="ready"]').waitFor({ timeout: 5000 })
      await expect
        .poll(() => customer.getByTestId('ready-notice').textContent())
        .toMatch(new RegExp(`^Ready for pickup.*#${number}`))
      await ticket(display, 'ready', orderId).waitFor()
      await screenshot(customer, 'kitchen-5-customer-ready')
      await screenshot(display, 'kitchen-5-ready')

      // A stale tap on the first display (its Start arrives after Ready) moves nothing back.
      const stale = await display.evaluate(async (id) => {
        const res = await fetch(`/api/kitchen/orders/${id}/start`, { method: 'POST' })
        return res.status
      }, orderId)
      expect(stale).toBe(409)
      await ticket(second, 'ready', orderId).waitFor()

      // Collected: it leaves both screens; the customer's page says so.
      await ticket(display, 'ready', orderId)
        .getByRole('button', { name: /^Collected/ })
        .tap()
      for (const p of [display, second])
        await expect.poll(() => p.locator(`.ticket[data-order="${orderId}"]`).count()).toBe(0)
      await customer.locator('.order-page[data-status="collected"]').waitFor({ timeout: 5000 })
      for (const p of [display, second, customer]) expect(await marked(p)).toBe(true)
    },
    TEST_MS,
  )

  it(
    'reconnects by itself after the gateway restarts mid-shift, and shows what was paid meanwhile',
    async () => {
      const staff = await newContext(TABLET, true)
      const display = await newPage(staff)
      await display.goto(`${base}/kitchen`)
      await display.getByLabel('Credential').fill(STAFF_TOKEN)
      await display.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => display.locator('#kitchen-link').textContent()).toBe('Live')
      await mark(display)

      // The gateway stops: the display says it lost the connection.
      await gateway?.stop()
      gateway = undefined
      await expect
        .poll(() => display.locator('#kitchen-link').textContent(), { timeout: 10_000 })
        .toMatch(/reconnecting/)
      await screenshot(display, 'kitchen-6-reconnecting')
      // Meanwhile an order is paid (through the other runtime's API: the gateway is away).
      const orderId = await placeAndPay(rest, 'ravi')
      await startGateway()
      await expect
        .poll(() => display.locator('#kitchen-link').textContent(), { timeout: 15_000 })
        .toBe('Live')
      await ticket(display, 'paid', orderId).waitFor({ timeout: 5000 })
      expect(await marked(display)).toBe(true)
      await screenshot(display, 'kitchen-7-reconnected')

      // After the restart the moves still flow both ways.
      await ticket(display, 'paid', orderId)
        .getByRole('button', { name: /^Start/ })
        .tap()
      await ticket(display, 'preparing', orderId).waitFor({ timeout: 5000 })

      // For the README: a shift in full swing, on a tablet in landscape.
      const more = [await placeAndPay(rest, 'sam'), await placeAndPay(rest, 'tia')]
      await placeAndPay(rest, 'uma')
      for (const id of more) await ticket(display, 'paid', id).waitFor({ timeout: 5000 })
      await ticket(display, 'paid', more[0] as string)
        .getByRole('button', { name: /^Start/ })
        .tap()
      await ticket(display, 'preparing', more[0] as string).waitFor()
      await ticket(display, 'preparing', orderId)
        .getByRole('button', { name: /^Ready/ })
        .tap()
      await ticket(display, 'ready', orderId).waitFor()
      await docsScreenshot(display, 'kitchen')
    },
    TEST_MS,
  )

  it(
    'reconnects by itself after a silent network drop, and shows what was paid meanwhile',
    async () => {
      // The display reaches the gateway through a network that can drop without a word.
      const network = await startSilentDropProxy(port)
      try {
        const display = await newPage(await newContext(TABLET, true))
        // The page's clock is Playwright's: 40 s of silence pass in an instant.
        await display.clock.install()
        const via = `http://127.0.0.1:${network.port}`
        await display.goto(`${via}/kitchen`)
        await display.getByLabel('Credential').fill(STAFF_TOKEN)
        await display.getByRole('button', { name: 'Sign in' }).click()
        await expect
          .poll(() => display.locator('#kitchen-link').textContent(), { timeout: 10_000 })
          .toBe('Live')
        await mark(display)

        network.drop()
        const orderId = await placeAndPay(rest, 'vera')
        // Nothing arrives: the stream is open but dead, and the browser does not know it.
        await new Promise((r) => setTimeout(r, 500))
        expect(await ticket(display, 'paid', orderId).count()).toBe(0)
        // Past the silence the page allows, it opens a new stream (the network is back).
        await display.clock.fastForward(45_000)
        await ticket(display, 'paid', orderId).waitFor({ timeout: 10_000 })
        await expect.poll(() => display.locator('#kitchen-link').textContent()).toBe('Live')
        expect(await marked(display)).toBe(true)
        await screenshot(display, 'kitchen-8-after-network-drop')
      } finally {
        await network.close()
      }
    },
    TEST_MS,
  )

  it(
    'keeps the customer’s order page live across a silent network drop',
    async () => {
      const network = await startSilentDropProxy(port)
      try {
        const orderId = await placeAndPay(rest, 'wynn')
        const customer = await newPage(await newContext(PHONE, true))
        await customer.clock.install()
        await customer.goto(
          `http://127.0.0.1:${network.port}/orders/wynn/${orderId}?checkout=success`,
        )
        await customer.locator('.order-page[data-status="paid"]').waitFor({ timeout: 10_000 })
        await mark(customer)

        // The first second's poll (before the stream had said anything) is over: only the
        // stream is left to tell.
        await customer.clock.runFor(2000)
        await new Promise((r) => setTimeout(r, 300))
        network.drop()
        const started = await fetch(`${base}/api/kitchen/orders/${orderId}/start`, {
          method: 'POST',
          headers: { authorization: `Bearer ${STAFF_TOKEN}` },
        })
        expect(started.status).toBe(200)
        await new Promise((r) => setTimeout(r, 500))
        expect(await customer.locator('.order-page').getAttribute('data-status')).toBe('paid')
        await customer.clock.fastForward(45_000)
        await customer.locator('.order-page[data-status="preparing"]').waitFor({ timeout: 10_000 })
        expect(await marked(customer)).toBe(true)
      } finally {
        await network.close()
      }
    },
    TEST_MS,
  )

  it('has no page errors', () => {
    // EventSource reports a refused reconnect (the gateway stopping) on the console.
    const real = errors.flat().filter((e) => !/EventSource/.test(e))
    expect(real).toEqual([])
  })
})

/**
 * Places an order and pays it through the local checkout, on a runtime's own HTTP server (the
 * payments domain serves the checkout; orders are placed by the gateway's API when it is up,
 * else straight through the orders function).
 */
async function placeAndPay(system: TestSystem, customerId: string): Promise<string> {
  const { order } = (await system.runtime.invoke('orders.create-order', {
    customerId,
    items: [{ id: 'fries', quantity: 2 }],
  })) as { order: { id: string } }
  for (let i = 0; i < 200; i++) {
    const { order: now } = (await system.runtime.invoke('orders.get-order', {
      orderId: order.id,
    })) as { order: { paymentLink: string } }
    if (now.paymentLink) {
      const res = await system.fetch(`${new URL(now.paymentLink).pathname}/pay`, {
        method: 'POST',
        redirect: 'manual',
      })
      if (res.status !== 303) throw new Error(`paying answered ${res.status}`)
      return order.id
    }
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('no payment link')
}
