// Trigger: HTTP GET /admin — the back office: the admin signs in, then manages the menu (add,
// edit, remove items) and the units on hand of each item, through the /api/admin routes.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { gateway } from './domain.ts'
import { webAssets } from './lib/web-assets.ts'
import { sendPage, webPage } from './lib/web-page.ts'

// The sign-in form goes in #admin-sign-in; the screen stays hidden until the admin is in.
const body = html`<div id="admin-sign-in"></div>
<section id="admin-screen" class="admin" aria-labelledby="admin-title" hidden>
  <div class="admin-head">
    <div>
      <h1 id="admin-title" tabindex="-1">Back office</h1>
      <p class="lead">The menu and its stock. Changes show on the storefront at once.</p>
    </div>
    <button type="button" id="admin-add" class="button primary" data-focus="admin:add">Add an item</button>
  </div>
  <p id="admin-status" class="admin-status" role="status" aria-live="polite"></p>
  <div id="admin-error" class="alert" role="alert"></div>
  <div id="admin-editor"></div>
  <section class="admin-items" aria-labelledby="admin-items-title">
    <h2 id="admin-items-title" class="admin-section-title">Items and stock</h2>
    <p id="admin-loading" class="muted">Loading the menu and stock…</p>
    <div id="admin-items"></div>
  </section>
</section>`

export default gateway.http(() =>
  new Hono()
    .get('/admin', (c) =>
      sendPage(
        c,
        webPage({
          title: 'Back office',
          script: 'admin.js',
          current: 'admin',
          staff: true,
          body,
        }),
      ),
    )
    .route('/', webAssets()),
)
