import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FUNCTIONS_DIR, listFunctionFiles } from '../../runtime/catalog.ts'
import type { Runtime } from '../../runtime/host.ts'
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../../shared/order-input.ts'
import { invokableRuntime } from '../../test/fixtures.ts'
import { ASSETS, loadAsset } from './lib/web-assets.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['gateway.storefront'])
})
afterEach(() => runtime.stop())

const get = (path: string, headers: Record<string, string> = {}) =>
  runtime.app.request(path, { headers })

describe('GET / and /my-orders', () => {
  it('serves the menu page with the API limits, its bundle and styles, and no outside assets', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const page = await res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<title>Menu · OMS food counter</title>')
    expect(page).toContain('data-view="menu"')
    expect(page).toContain(`data-max-line-quantity="${MAX_LINE_QUANTITY}"`)
    expect(page).toContain(`data-max-order-lines="${MAX_ORDER_LINES}"`)
    expect(page).toContain('<script type="module" src="/assets/storefront.js"></script>')
    expect(page).toContain('<a href="/" aria-current="page">Menu</a>')
    expect(page).toMatch(/id="cart-error"[^>]*role="alert"/)
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//)
  })

  it('serves "My orders" from the same bundle', async () => {
    const page = await (await get('/my-orders')).text()
    expect(page).toContain('data-view="my-orders"')
    expect(page).toContain('<a href="/my-orders" aria-current="page">My orders</a>')
    expect(page).toContain('<script type="module" src="/assets/storefront.js"></script>')
    expect(page).toMatch(/id="orders-status"[^>]*role="status"/)
  })
})

describe('GET /assets/:name', () => {
  it.each([
    ['storefront.js', 'text/javascript; charset=utf-8'],
    ['order-page.js', 'text/javascript; charset=utf-8'],
    ['styles.css', 'text/css; charset=utf-8'],
  ])('serves %s bundled and minified, revalidated by ETag', async (name, type) => {
    const res = await get(`/assets/${name}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(type)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const body = await res.text()
    expect(body.length).toBeGreaterThan(500)
    // One file: nothing left to fetch, and minified (few lines).
    expect(body).not.toMatch(/\bimport\s*[{*"'(]/)
    expect(body.split('\n').length).toBeLessThan(10)
    const etag = res.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    const again = await get(`/assets/${name}`, { 'if-none-match': etag! })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('bundles each asset once per process', () => {
    expect(loadAsset('storefront.js')).toBe(loadAsset('storefront.js'))
  })

  it('answers 404 for any other name', async () => {
    for (const path of ['/assets/nope.js', '/assets/cart.ts', '/assets/..%2Fstorefront.ts']) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect((await res.json()).error.code).toBe('NOT_FOUND')
    }
  })
})

describe('GET /favicon.svg', () => {
  it('serves the icon every page links, as SVG from the gateway itself', async () => {
    const page = await (await get('/')).text()
    expect(page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml" />')
    const res = await get('/favicon.svg')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    const svg = await res.text()
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="32" height="32" viewBox="0 0 32 32">/,
    )
    expect(svg).not.toMatch(/href|<script|url\(/)
    const again = await get('/favicon.svg', { 'if-none-match': res.headers.get('etag')! })
    expect(again.status).toBe(304)
  })

  it('leads /favicon.ico, asked for by pages that link no icon, to it', async () => {
    const res = await get('/favicon.ico')
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe('/favicon.svg')
  })
})

describe('client code', () => {
  it('is not loaded as functions', async () => {
    const names = (await listFunctionFiles()).map((f) => f.name)
    expect(names).toContain('gateway.storefront')
    expect(names.filter((n) => /^gateway\.(web|lib)/.test(n))).toEqual([])
    expect(Object.values(ASSETS).every((entry) => !names.includes(`gateway.${entry}`))).toBe(true)
  })

  it('is never imported by server code (only esbuild reads it)', async () => {
    const dir = join(FUNCTIONS_DIR, 'gateway')
    const server = [
      ...(await readdir(dir)).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f)),
      ...(await readdir(join(dir, 'lib'))).map((f) => join(dir, 'lib', f)),
    ]
    for (const file of server) {
      expect(await readFile(file, 'utf8'), file).not.toMatch(/from '\.{1,2}\/(\.\.\/)*web\//)
    }
  })
})
