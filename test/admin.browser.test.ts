/**
 * The back office in a real browser: Debian's Chromium, driven by playwright-core, against a
 * whole system on embedded defaults with ADMIN_TOKEN set (so the admin routes are on). Each
 * step's screenshot is saved under test-artifacts/screenshots/, and one of the whole screen as
 * docs/admin.png (the README shows it) when UPDATE_DOCS_SCREENSHOTS=1. Without Chromium the suite is skipped with the reason
 * printed, except under CI, where it fails (.ci/install-chromium.sh installs it).
 */
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  browserTestsRun,
  docsScreenshot,
  launchChromium,
  pageErrorsOf,
  SCREENSHOTS,
  startShop as startSystemOnPort,
} from './browser.ts'
import { ADMIN_TOKEN, type TestSystem } from './fixtures.ts'

const DESKTOP = { width: 1280, height: 860 }
const BROWSER_TEST_MS = 60_000

const startShop = () => startSystemOnPort({ ADMIN_TOKEN })

describe.skipIf(!browserTestsRun('back office'))('the back office in Chromium', () => {
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

  async function open() {
    system = await startShop()
    base = system.config.publicUrl
    context = await browser.newContext({
      viewport: DESKTOP,
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

  const row = (id: string) => page.locator(`.admin-table tbody tr[data-item="${id}"]`)
  const rows = () => page.locator('.admin-table tbody tr')
  const status = () => page.locator('#admin-status')
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return el?.getAttribute('aria-label') || el?.id || el?.textContent || ''
    })
  /** The row's numbers: price, on hand (in its field), reserved, available. */
  const numbers = async (id: string) => ({
    price: await row(id).locator('[data-label="Price"]').textContent(),
    onHand: await row(id).locator('.stock-input').inputValue(),
    reserved: await row(id).locator('[data-label="Reserved"]').textContent(),
    available: await row(id).locator('[data-label="Available"]').textContent(),
  })

  /** Opens /admin and signs in with the admin credential. */
  async function signIn() {
    await page.goto(`${base}/admin`)
    await page.getByLabel('Credential').fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => rows().count()).toBe(5)
  }

  it(
    'refuses a wrong credential in the page, then opens with the admin one',
    async () => {
      await open()
      await page.goto(`${base}/admin`)
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Staff sign-in')
      expect(await page.locator('#admin-screen').isVisible()).toBe(false)
      const credential = page.getByLabel('Credential')
      await expect.poll(() => credential.evaluate((el) => el === document.activeElement)).toBe(true)
      await credential.fill('not-the-admin-credential')
      await credential.press('Enter')
      await expect
        .poll(() => page.getByRole('alert').filter({ hasText: 'credential' }).textContent())
        .toBe('That credential is not right. Check it and try again.')
      expect(await page.locator('#admin-screen').isVisible()).toBe(false)
      // Nothing of the admin's is readable without signing in.
      expect((await system.json('/api/admin/stock')).status).toBe(401)
      await shot('admin-1-sign-in-refused')

      await credential.fill(ADMIN_TOKEN)
      await credential.press('Enter')
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Back office')
      await expect.poll(() => rows().count()).toBe(5)
      expect(await page.getByLabel('Credential').count()).toBe(0)
      expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true)
      expect(
        await page.getByRole('link', { name: 'Back office' }).getAttribute('aria-current'),
      ).toBe('page')
      // Every item with its price and stock, in the order the menu lists them.
      expect(
        await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item'))),
      ).toEqual(['brownie', 'burger', 'fries', 'lemonade', 'veggie-wrap'])
      expect(await numbers('burger')).toEqual({
        price: '€9.50',
        onHand: '100',
        reserved: '0',
        available: '100',
      })
      expect(await row('brownie').locator('.admin-name').textContent()).toBe('Chocolate brownie')
      await shot('admin-2-items')

      // The session is a cookie: a reload stays signed in.
      await page.reload()
      await expect.poll(() => rows().count()).toBe(5)
      expect(await page.getByLabel('Credential').count()).toBe(0)
    },
    BROWSER_TEST_MS,
  )

  it(
    'adds an item (explaining what the server refused first), which the storefront then sells',
    async () => {
      await open()
      await signIn()
      await page.getByRole('button', { name: 'Add an item' }).click()
      const form = page.getByRole('form', { name: 'Add an item' })
      await form.waitFor()
      // The focus is in the form, on its first field; the id follows the name.
      await expect.poll(focused).toBe('item-name')
      await page.keyboard.type('Apple pie')
      expect(await form.getByLabel('Id', { exact: true }).inputValue()).toBe('apple-pie')
      await form.getByLabel('Description').fill('Warm, with cinnamon')
      await form.getByLabel('Price', { exact: true }).fill('5,505')
      expect(await form.getByLabel('Currency').inputValue()).toBe('eur')
      await form.getByLabel('Currency').fill('euro')
      await form.getByLabel('Stripe price id').fill('price_apple_pie')

      // The page's own check: a price it cannot turn into cents is not sent.
      await form.getByRole('button', { name: 'Add item' }).click()
      const priceError = form.locator('#item-price-error')
      await expect.poll(() => priceError.textContent()).toBe('Use at most 2 decimals, e.g. 3.50.')
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toBe('Price needs a change: see below.')
      expect(await form.getByLabel('Price', { exact: true }).getAttribute('aria-invalid')).toBe(
        'true',
      )
      await expect.poll(focused).toBe('item-price')

      // The server's check: the currency is not a 3-letter code (INVALID_REQUEST, by field).
      await form.getByLabel('Price', { exact: true }).fill('5.50')
      await form.getByRole('button', { name: 'Add item' }).click()
      await expect
        .poll(() => form.locator('#item-currency-error').textContent())
        .toBe('Enter a 3-letter currency code, e.g. eur or usd.')
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toBe('Currency needs a change: see below.')
      expect(await priceError.isVisible()).toBe(false)
      expect(
        await form.getByLabel('Price', { exact: true }).getAttribute('aria-invalid'),
      ).toBeNull()
      await expect.poll(focused).toBe('item-currency')
      expect((await system.json('/api/menu')).body.items).toHaveLength(5)
      await shot('admin-3-add-refused')

      await form.getByLabel('Currency').fill('EUR')
      await form.getByLabel('Currency').press('Enter')
      await expect.poll(() => status().textContent()).toBe('Added Apple pie to the menu.')
      expect(await form.count()).toBe(0)
      await expect.poll(() => rows().count()).toBe(6)
      expect(await numbers('apple-pie')).toEqual({
        price: '€5.50',
        onHand: '0',
        reserved: '0',
        available: '0',
      })
      await expect.poll(focused).toBe('Edit Apple pie')
      const { body } = await system.json('/api/menu')
      expect(body.items.find((i: { id: string }) => i.id === 'apple-pie')).toEqual({
        id: 'apple-pie',
        name: 'Apple pie',
        description: 'Warm, with cinnamon',
        priceId: 'price_apple_pie',
        unitAmount: 550,
        currency: 'eur',
        available: 0,
      })

      // Twelve baked: its stock, set in its row (from the keyboard).
      const onHand = page.getByLabel('Units on hand of Apple pie', { exact: true })
      await onHand.fill('12')
      await onHand.press('Enter')
      await expect.poll(() => status().textContent()).toBe('Apple pie: 12 on hand, 12 available.')
      await expect.poll(() => numbers('apple-pie')).toMatchObject({ onHand: '12', available: '12' })
      await expect.poll(focused).toBe('onhand-apple-pie')
      await shot('admin-4-added')

      // The storefront, in the same browser, sells it.
      await page.getByRole('link', { name: 'OMS food counter' }).click()
      await page.waitForURL(`${base}/`)
      const card = page.locator('.item', { has: page.getByRole('heading', { name: 'Apple pie' }) })
      await expect.poll(() => card.locator('.price').textContent()).toBe('€5.50')
      await expect.poll(() => card.locator('.stock').textContent()).toBe('12 available')
      expect(await card.locator('.item-description').textContent()).toBe('Warm, with cinnamon')
      expect(
        await page.getByRole('button', { name: 'Add Apple pie to your order' }).isEnabled(),
      ).toBe(true)
      await shot('admin-5-on-the-storefront')
    },
    BROWSER_TEST_MS,
  )

  it(
    'explains a stock level below what open orders hold, and sets one they allow',
    async () => {
      await open()
      // A customer's order, not paid yet, holds 3 brownies.
      const { status: placed } = await system.json('/api/customers/ann/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'brownie', quantity: 3 }] }),
      })
      expect(placed).toBe(201)
      await signIn()
      expect(await numbers('brownie')).toEqual({
        price: '€4.00',
        onHand: '40',
        reserved: '3',
        available: '37',
      })

      const onHand = page.getByLabel('Units on hand of Chocolate brownie', { exact: true })
      await onHand.fill('2')
      await page.getByRole('button', { name: 'Set units on hand of Chocolate brownie' }).click()
      // The row's own alert (hidden while empty), which the field is described by.
      const error = page.locator('#onhand-error-brownie')
      expect(await error.getAttribute('role')).toBe('alert')
      await expect
        .poll(() => error.textContent())
        .toBe('3 are reserved by open orders: on hand cannot go below 3. Enter 3 or more.')
      expect(await onHand.getAttribute('aria-invalid')).toBe('true')
      await expect.poll(focused).toBe('onhand-brownie')
      // The field is described by the reason, for a screen reader landing on it.
      expect(await onHand.getAttribute('aria-describedby')).toBe('onhand-error-brownie')
      expect(await status().textContent()).toBe('')
      const level = async () =>
        (
          await system.json('/api/admin/stock', {
            headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          })
        ).body.items.find((i: { id: string }) => i.id === 'brownie')
      expect(await level()).toEqual({ id: 'brownie', onHand: 40, reserved: 3, available: 37 })
      await shot('admin-6-stock-refused')

      // Not a number of units: said in the row, and nothing is sent.
      await onHand.fill('2.5')
      await onHand.press('Enter')
      await expect
        .poll(() => error.textContent())
        .toBe('Enter a whole number of units from 0 to 1,000,000.')

      // Exactly what is reserved is allowed: none left to order.
      await onHand.fill('3')
      await onHand.press('Enter')
      await expect
        .poll(() => status().textContent())
        .toBe('Chocolate brownie: 3 on hand, 0 available.')
      await expect.poll(() => error.textContent()).toBe('')
      expect(await numbers('brownie')).toEqual({
        price: '€4.00',
        onHand: '3',
        reserved: '3',
        available: '0',
      })
      expect(
        await row('brownie').locator('[data-label="Available"]').getAttribute('class'),
      ).toContain('stock-out')
      expect(await level()).toEqual({ id: 'brownie', onHand: 3, reserved: 3, available: 0 })
      await shot('admin-7-stock-set')
    },
    BROWSER_TEST_MS,
  )

  it(
    'edits a price, and removes an item after asking (by keyboard)',
    async () => {
      await open()
      // An open order, so the screenshot shows units reserved.
      const { status: placed } = await system.json('/api/customers/bob/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [{ id: 'lemonade', quantity: 2 }] }),
      })
      expect(placed).toBe(201)
      await signIn()
      expect(await numbers('lemonade')).toMatchObject({ reserved: '2', available: '148' })
      await page.getByRole('button', { name: 'Edit Classic burger' }).click()
      const form = page.getByRole('form', { name: 'Edit Classic burger' })
      await form.waitFor()
      expect(await form.getByLabel('Id', { exact: true }).count()).toBe(0)
      expect(await form.getByLabel('Name').inputValue()).toBe('Classic burger')
      const price = form.getByLabel('Price', { exact: true })
      expect(await price.inputValue()).toBe('9.50')
      await price.fill('10.25')
      await docsScreenshot(page, 'admin', true)
      await shot('admin-8-edit')
      await form.getByRole('button', { name: 'Save changes' }).click()
      await expect.poll(() => status().textContent()).toBe('Saved Classic burger.')
      expect(await form.count()).toBe(0)
      await expect
        .poll(() => row('burger').locator('[data-label="Price"]').textContent())
        .toBe('€10.25')
      await expect.poll(focused).toBe('Edit Classic burger')
      const burger = (await system.json('/api/menu')).body.items.find(
        (i: { id: string }) => i.id === 'burger',
      )
      expect(burger).toEqual({
        id: 'burger',
        name: 'Classic burger',
        description: 'Beef patty, cheddar, pickles and house sauce in a brioche bun',
        priceId: 'price_burger',
        unitAmount: 1025,
        currency: 'eur',
        available: 100,
      })

      // Escape closes the form unsaved, and gives the focus back.
      await page.keyboard.press('Enter')
      await page.getByRole('form', { name: 'Edit Classic burger' }).waitFor()
      await page.keyboard.press('Escape')
      expect(await page.getByRole('form').count()).toBe(0)
      await expect.poll(focused).toBe('Edit Classic burger')

      // Remove asks in the row; the safe answer has the focus, so Enter twice removes nothing.
      await page.getByRole('button', { name: 'Remove Fries' }).focus()
      await page.keyboard.press('Enter')
      const question = row('fries').getByRole('group', { name: 'Remove Fries?' })
      await expect.poll(() => question.isVisible()).toBe(true)
      await expect.poll(focused).toBe('Keep')
      await shot('admin-9-remove-asked')
      await page.keyboard.press('Enter')
      await expect.poll(() => question.count()).toBe(0)
      await expect.poll(focused).toBe('Remove Fries')
      expect(await rows().count()).toBe(5)

      await page.keyboard.press('Enter')
      await expect.poll(focused).toBe('Keep')
      await page.keyboard.press('Shift+Tab')
      await expect.poll(focused).toBe('Yes, remove')
      await page.keyboard.press('Enter')
      await expect.poll(() => status().textContent()).toBe('Removed Fries from the menu.')
      await expect.poll(() => rows().count()).toBe(4)
      expect(await row('fries').count()).toBe(0)
      // The keyboard stays in the table: on the next item's Remove.
      await expect.poll(focused).toBe('Remove Lemonade')
      const ids = (await system.json('/api/menu')).body.items.map((i: { id: string }) => i.id)
      expect(ids).toEqual(['brownie', 'burger', 'lemonade', 'veggie-wrap'])
      await shot('admin-10-removed')
    },
    BROWSER_TEST_MS,
  )
})
