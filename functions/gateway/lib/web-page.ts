/**
 * The HTML shell of the storefront's pages: head, a header with the navigation, and a main
 * whose content the page's bundled script fills in. Everything interpolated is escaped.
 */
import type { Context as HonoContext } from 'hono'
import { html } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { FAVICON_PATH } from './favicon.ts'

/** Same-origin only: the pages work offline, with no fonts, CDNs or inline code. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

export interface PageOptions {
  /** Shown before " · OMS food counter" in the title bar. */
  title: string
  /** The bundle that renders the page. */
  script: 'storefront.js' | 'order-page.js' | 'kitchen.js' | 'admin.js'
  /** Which navigation link is the current page, if any. */
  current?: 'menu' | 'orders' | 'kitchen' | 'admin'
  /** A staff screen: the staff's navigation and stylesheet, not the customer's. */
  staff?: boolean
  /** data-* attributes for the script, on <body>. */
  data?: Readonly<Record<string, string | number>>
  body: HtmlEscapedString | Promise<HtmlEscapedString>
}

const navLink = (href: string, label: string, current: boolean) =>
  current
    ? html`<a href="${href}" aria-current="page">${label}</a>`
    : html`<a href="${href}">${label}</a>`

/** Renders a page of the storefront. */
export function webPage({ title, script, current, staff = false, data = {}, body }: PageOptions) {
  const attributes = Object.entries(data).map(
    ([name, value]) => html` data-${name.replace(/[^a-z0-9-]/g, '')}="${String(value)}"`,
  )
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light" />
    <title>${title} · OMS food counter</title>
    <link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml" />
    <link rel="stylesheet" href="/assets/styles.css" />
    ${staff ? html`<link rel="stylesheet" href="/assets/staff.css" />` : ''}
    <script type="module" src="/assets/${script}"></script>
  </head>
  <body${attributes}>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
      <div class="site-header-inner">
        <a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>OMS <span class="brand-sub">food counter</span></a>
        <nav aria-label="Main">
          ${
            staff
              ? [
                  navLink('/kitchen', 'Kitchen', current === 'kitchen'),
                  navLink('/admin', 'Back office', current === 'admin'),
                  html`<button type="button" id="sign-out" class="nav-button" hidden>Sign out</button>`,
                ]
              : [
                  navLink('/', 'Menu', current === 'menu'),
                  navLink('/my-orders', 'My orders', current === 'orders'),
                ]
          }
        </nav>
      </div>
    </header>
    <main id="main" tabindex="-1">
      ${body}
      <noscript><p class="alert">This page needs JavaScript to show the menu and your orders.</p></noscript>
    </main>
  </body>
</html>`
}

/** Answers a page with its security headers. */
export function sendPage(c: HonoContext, page: HtmlEscapedString | Promise<HtmlEscapedString>) {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value)
  return c.html(page)
}
