import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['gateway.order-page'])
})
afterEach(() => runtime.stop())

describe('GET /orders/:customerId/:orderId', () => {
  it('serves the order page: its number, the ids for the script, the bundle and the styles', async () => {
    const res = await runtime.app.request('/orders/ann/0b9e5a52-order')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    const page = await res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain(
      '<h1 id="order-title">Order <span class="order-number">#0B9E5A52</span></h1>',
    )
    expect(page).toContain('data-customer-id="ann"')
    expect(page).toContain('data-order-id="0b9e5a52-order"')
    expect(page).toContain('<script type="module" src="/assets/order-page.js"></script>')
    expect(page).toContain('<link rel="stylesheet" href="/assets/styles.css" />')
    expect(page).toMatch(/id="order-status"[^>]*role="status"[^>]*aria-live="polite"/)
    expect(page).toMatch(/id="order-error"[^>]*role="alert"/)
  })

  it('escapes what the path puts into the page', async () => {
    const page = await (
      await runtime.app.request(
        '/orders/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E',
      )
    ).text()
    expect(page).not.toContain('<img src=x')
    expect(page).not.toContain('<script>alert(1)')
    expect(page).toContain('data-order-id="&lt;img src=x onerror=alert(1)&gt;"')
    expect(page).toContain('data-customer-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
  })

  it('serves its script, bundled', async () => {
    const res = await runtime.app.request('/assets/order-page.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const code = await res.text()
    expect(code).toContain('/api/customers/')
    expect(code).not.toMatch(/\bimport\s*[{*"']/)
  })
})
