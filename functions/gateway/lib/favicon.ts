/**
 * The storefront's icon: the brand mark (a plate on the brand colour) as an SVG served by the
 * gateway at /favicon.svg, which every page links; /favicon.ico, which browsers ask for on
 * pages that link none (the local checkout), leads to it.
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'

export const FAVICON_PATH = '/favicon.svg'

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#c2410c"/><circle cx="16" cy="16" r="9.5" fill="#fff7ed"/><circle cx="16" cy="16" r="5.5" fill="none" stroke="#fdba74" stroke-width="1.5"/></svg>`

const ETAG = `"${createHash('sha256').update(FAVICON_SVG).digest('base64url').slice(0, 22)}"`

/** `GET /favicon.svg`, and `/favicon.ico` redirected to it. */
export function faviconRoutes(): Hono {
  return new Hono()
    .get(FAVICON_PATH, (c) => {
      const headers = {
        'cache-control': 'public, max-age=86400',
        etag: ETAG,
        'x-content-type-options': 'nosniff',
      }
      if (c.req.header('if-none-match') === ETAG) return c.body(null, 304, headers)
      return c.body(FAVICON_SVG, 200, { ...headers, 'content-type': 'image/svg+xml' })
    })
    .get('/favicon.ico', (c) => c.redirect(FAVICON_PATH, 301))
}
