/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the whole
 * system in one process on embedded defaults, with the dashboard on and a consumer that fails
 * until it is fixed. An order is placed and paid through the public API (the local checkout's
 * Pay); then, in the page: the admin token is asked for and accepted, the functions are listed
 * with where they are bound, the parked message shows in its queue's count and is replayed (the
 * count goes down), the recent requests are listed, and the order id finds its journey across
 * the functions and both traces (the webhook's, linked back to the order's). Screenshots go to
 * test-artifacts/screenshots/dashboard-*.png. Without Chromium the suite is skipped with the
 * reason printed, except under CI, where it fails (.ci/install-chromium.sh installs it).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadFunctions } from '../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { domain } from '../runtime/model/domain.ts'
import { orderCreated } from '../shared/events.ts'
import { ADMIN_TOKEN, post, silentLogger, testEnv, waitFor } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'

const CHROMIUM = '/usr/bin/chromium'
const SCREENSHOTS = 'test-artifacts/screenshots'
const TEST_MS = 90_000
const PRINTER = 'test.receipt-printer'

const haveChromium = existsSync(CHROMIUM)
const mustRun = Boolean(process.env.CI)
if (!haveChromium && !mustRun)
  console.warn(
    `dashboard browser tests skipped: no Chromium at ${CHROMIUM} (install it with .ci/install-chromium.sh)`,
  )

describe.skipIf(!haveChromium && !mustRun)('the dashboard in Chromium', () => {
  let browser: Browser
  let runtime: Runtime
  let base: string
  let page: Page
  let broken = true
  const pageErrors: string[] = []

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`no Chromium at ${CHROMIUM}: run .ci/install-chromium.sh`)
    mkdirSync(SCREENSHOTS, { recursive: true })
    // A consumer of the order's first event that fails until it is fixed: its message is parked.
    const printer = domain('test').consumer(orderCreated, async () => {
      if (broken) throw new Error('receipt printer is out of paper')
    })
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    runtime = await createRuntime({
      // The operator routes answer the admin token only (no OMS_OPS_LOOPBACK): the page asks for it.
      env: testEnv({ PORT: String(port), PUBLIC_URL: base, OMS_DASHBOARD: 'true' }),
      functions: [...(await loadFunctions()), { name: PRINTER, domain: 'test', def: printer }],
      log: silentLogger,
    })
    await runtime.start()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    })
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
      locale: 'en-US',
      timezoneId: 'UTC',
    })
    page = await context.newPage()
    page.on('pageerror', (err) => pageErrors.push(err.message))
    page.on('console', (msg) => {
      // The first calls, before the token, are refused: that is the point.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource'))
        pageErrors.push(msg.text())
    })
  }, TEST_MS)

  afterAll(async () => {
    await browser?.close()
    await runtime?.stop()
    expect(pageErrors).toEqual([])
  })

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true })

  /** Places an order and pays it as the checkout page's Pay button does; returns its id. */
  async function placeAndPay(): Promise<string> {
    const placed = await fetch(
      `${base}/api/customers/ann/orders`,
      post({ items: [{ id: 'burger', quantity: 2 }] }),
    )
    expect(placed.status).toBe(201)
    const { order } = (await placed.json()) as { order: { id: string } }
    const orderUrl = `${base}/api/customers/ann/orders/${order.id}`
    const link = await waitFor(
      async () => {
        const { order: seen } = await (await fetch(orderUrl)).json()
        return (seen.paymentLink as string | null) ?? undefined
      },
      { what: 'the payment link' },
    )
    const paid = await fetch(`${link}/pay`, { method: 'POST', redirect: 'manual' })
    expect(paid.status).toBe(303)
    await waitFor(
      async () =>
        (await (await fetch(orderUrl)).json()).order.status === 'ready' ? true : undefined,
      { what: 'the order to be ready' },
    )
    return order.id
  }

  const queueCell = (consumer: string, count: string) =>
    page.locator(`#queues tr[data-queue="${consumer}"] td[data-count="${count}"]`)

  it(
    'shows functions, queues, parked messages, requests and an order’s journey',
    async () => {
      const orderId = await placeAndPay()
      const parked = await waitFor(
        async () => {
          const list = await runtime.adapters.bus.parked(PRINTER)
          return list.length > 0 ? list : undefined
        },
        { what: 'the failing consumer’s message to be parked' },
      )
      expect(parked).toHaveLength(1)

      // Not on loopback trust: the page asks for the admin token first, and refuses a wrong one.
      await page.goto(`${base}/_oms/`)
      const token = page.getByLabel('ADMIN_TOKEN')
      await token.waitFor()
      await shot('0-token')
      await token.fill('not-the-admin-token')
      await page.getByRole('button', { name: 'Open the dashboard' }).click()
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toBe('That token was not accepted.')
      await page.getByLabel('ADMIN_TOKEN').fill(ADMIN_TOKEN)
      await page.getByRole('button', { name: 'Open the dashboard' }).click()

      // Functions, with their triggers and where they are bound.
      const fnRow = (name: string) => page.locator(`#functions tr[data-function="${name}"]`)
      await fnRow('orders.create-order').waitFor()
      expect(await page.locator('#functions tbody tr').count()).toBe(runtime.functions.length)
      const port = new URL(base).port
      await expect
        .poll(() => fnRow('orders.create-order').textContent())
        .toMatch(
          new RegExp(
            `grpc.*OrderService/CreateOrder.*on 127\\.0\\.0\\.1:${runtime.bound.grpcPort}`,
          ),
        )
      await expect
        .poll(() => fnRow('gateway.orders-api').textContent())
        .toContain('POST /api/customers/:customerId/orders')
      expect(await fnRow('gateway.orders-api').textContent()).toContain(`:${port}`)
      await expect.poll(() => fnRow(PRINTER).textContent()).toMatch(/consumer.*order\.created/)
      await expect.poll(() => fnRow('kitchen.cook').textContent()).toMatch(/worker.*order\.paid/)
      await expect.poll(() => fnRow('orders.expire-orders').textContent()).toMatch(/every \d+s/)

      // The queues: the parked message is counted in its queue.
      await expect.poll(() => queueCell(PRINTER, 'parked').textContent()).toBe('1')
      await expect.poll(() => queueCell('kitchen.cook', 'parked').textContent()).toBe('0')
      await expect.poll(() => queueCell('stock.on-order-paid', 'ready').textContent()).toBe('0')

      // Recent requests: the order placed (201), its reads, the checkout's Pay and the webhook.
      const requests = page.locator('#requests tbody tr')
      await expect
        .poll(() =>
          requests.filter({ hasText: 'POST/api/customers/:customerId/orders201' }).count(),
        )
        .toBe(1)
      await expect
        .poll(() => requests.filter({ hasText: 'POST/api/payments/webhook200' }).count())
        .toBe(1)
      await expect
        .poll(() => requests.filter({ hasText: 'POST/checkout/:id/pay303' }).count())
        .toBe(1)
      await shot('1-overview')

      // The parked message, with its error; replayed once fixed, it is handled and gone.
      const parkedRow = page.locator(`#parked tr[data-parked-id="${parked[0]!.id}"]`)
      await expect.poll(() => parkedRow.textContent()).toContain('receipt printer is out of paper')
      await parkedRow.scrollIntoViewIfNeeded()
      await shot('2-parked')
      broken = false
      await page.getByRole('button', { name: `Replay ${parked[0]!.id} to ${PRINTER}` }).click()
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toBe('Replayed 1 message.')
      await expect.poll(() => queueCell(PRINTER, 'parked').textContent()).toBe('0')
      await expect.poll(() => page.locator('#parked').textContent()).toContain('Nothing is parked.')
      expect(await runtime.adapters.bus.parked(PRINTER)).toEqual([])

      // The order's journey, by its id: steps across the functions, in two linked traces.
      await page.getByLabel('Find by id').fill(orderId)
      await page.getByRole('button', { name: 'Find', exact: true }).click()
      const steps = page.locator('#journey li.step')
      await expect.poll(() => steps.count()).toBeGreaterThan(10)
      const wanted = [
        'gateway.orders-api',
        'orders.create-order',
        'stock.reserve-stock',
        'payments.on-order-created',
        'payments.local-checkout',
        'payments.stripe-webhook',
        'orders.on-order-paid',
        'stock.on-order-paid',
        'kitchen.cook',
        PRINTER,
      ]
      const missing = async () => {
        const seen = await steps.evaluateAll((els) => els.map((el) => el.getAttribute('data-fn')))
        return wanted.filter((fn) => !seen.includes(fn))
      }
      await expect.poll(missing).toEqual([])
      const heads = page.locator('#journey li.trace-head')
      expect(await heads.count()).toBeGreaterThanOrEqual(2)
      // The webhook's trace links back to the order's.
      const linked = page.locator('#journey li.trace-head[data-linked]')
      await expect.poll(() => linked.count()).toBeGreaterThanOrEqual(2)
      await expect
        .poll(() => page.locator('#journey li.trace-head', { hasText: 'links to trace 1' }).count())
        .toBeGreaterThanOrEqual(1)
      // The failing consumer's tries: retried, then an error (parked), then ok once replayed.
      const printerOutcomes = await page
        .locator(`#journey li.step[data-fn="${PRINTER}"]`)
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome')))
      expect(printerOutcomes).toEqual(['retry', 'retry', 'retry', 'error', 'ok'])
      await expect
        .poll(() =>
          page
            .locator(`#journey li.step[data-fn="${PRINTER}"][data-outcome="error"]`)
            .textContent(),
        )
        .toContain('receipt printer is out of paper')
      await expect
        .poll(() => page.locator('#journey .journey-summary').textContent())
        .toMatch(/^\d+ steps in \d+ traces across \d+ functions/)
      await expect
        .poll(() => page.locator('#journey .reads').textContent())
        .toContain('GET /api/customers/:customerId/orders/:orderId')
      await page.locator('#journey').scrollIntoViewIfNeeded()
      await page
        .locator('#journey')
        .screenshot({ path: join(SCREENSHOTS, 'dashboard-3-journey.png') })
      await shot('4-page')
    },
    TEST_MS,
  )
})
