import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import { silentLogger, testConfig } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await createRuntime({
    config: testConfig(),
    functions: await loadFunctions(['gateway.order-page']),
    log: silentLogger,
    listen: false,
  })
})
afterEach(() => runtime.stop())

describe('GET /orders/:customerId/:orderId', () => {
  it('serves the order page as HTML', async () => {
    const res = await runtime.app.request('/orders/ann/0b9e5a52-order')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const page = await res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<h1>Order 0b9e5a52-order</h1>')
    expect(page).toContain('id="status"')
    expect(page).toContain("'/api/customers/'")
  })

  it('escapes what the path puts into the page', async () => {
    const page = await (
      await runtime.app.request('/orders/ann/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E')
    ).text()
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})
