import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['gateway.admin-page'])
})
afterEach(() => runtime.stop())

describe('GET /admin', () => {
  it("serves the back office: the staff's navigation and styles, its bundle, the regions its script fills", async () => {
    const res = await runtime.app.request('/admin')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    const page = await res.text()
    expect(page).toMatch(/^<!doctype html>/)
    expect(page).toContain('<title>Back office · OMS food counter</title>')
    expect(page).toContain('<script type="module" src="/assets/admin.js"></script>')
    expect(page).toContain('<link rel="stylesheet" href="/assets/staff.css" />')
    expect(page).toContain('<a href="/admin" aria-current="page">Back office</a>')
    expect(page).toContain('<div id="admin-sign-in"></div>')
    // Hidden until the admin has signed in.
    expect(page).toMatch(/<section id="admin-screen"[^>]*hidden>/)
    expect(page).toMatch(/id="admin-status"[^>]*role="status"/)
    expect(page).toMatch(/id="admin-error"[^>]*role="alert"/)
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//)
  })

  it('serves its script and the staff styles, bundled', async () => {
    const res = await runtime.app.request('/assets/admin.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const code = await res.text()
    expect(code).toContain('/api/admin/')
    expect(code).not.toMatch(/\bimport\s*[{*"']/)
    const css = await runtime.app.request('/assets/staff.css')
    expect(css.status).toBe(200)
    expect(await css.text()).toContain('.admin-table')
  })
})
