// Trigger: HTTP GET / and /my-orders — the storefront (menu, cart, the customer's orders), and
// the bundled client assets under /assets/ that every storefront page loads.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from '../../shared/order-input.ts'
import { gateway } from './domain.ts'
import { webAssets } from './lib/web-assets.ts'
import { sendPage, webPage } from './lib/web-page.ts'

const limits = { 'max-line-quantity': MAX_LINE_QUANTITY, 'max-order-lines': MAX_ORDER_LINES }

const menuBody = html`<div class="shop">
  <section class="menu" aria-labelledby="menu-title">
    <h1 id="menu-title" tabindex="-1">Menu</h1>
    <p class="lead">Order at the counter, pay online, and pick it up when it is ready.</p>
    <p id="menu-status" class="muted" role="status" aria-live="polite">Loading the menu…</p>
    <div id="menu-error" class="alert" role="alert"></div>
    <ul id="menu-list" class="menu-list"></ul>
  </section>
  <aside id="cart" class="cart" aria-labelledby="cart-title">
    <h2 id="cart-title" tabindex="-1">Your order</h2>
    <div id="cart-body"></div>
    <div id="cart-error" class="alert" role="alert"></div>
    <p id="cart-live" class="visually-hidden" role="status" aria-live="polite"></p>
  </aside>
</div>
<a id="cart-bar" class="cart-bar" href="#cart" hidden></a>`

const ordersBody = html`<section class="orders" aria-labelledby="orders-title">
  <h1 id="orders-title" tabindex="-1">My orders</h1>
  <p id="orders-status" class="muted" role="status" aria-live="polite">Loading your orders…</p>
  <div id="orders-error" class="alert" role="alert"></div>
  <ul id="orders-list" class="order-list"></ul>
  <p class="muted small">Orders are remembered on this device.</p>
</section>`

export default gateway.http(() =>
  new Hono()
    .get('/', (c) =>
      sendPage(
        c,
        webPage({
          title: 'Menu',
          script: 'storefront.js',
          current: 'menu',
          data: { view: 'menu', ...limits },
          body: menuBody,
        }),
      ),
    )
    .get('/my-orders', (c) =>
      sendPage(
        c,
        webPage({
          title: 'My orders',
          script: 'storefront.js',
          current: 'orders',
          data: { view: 'my-orders', ...limits },
          body: ordersBody,
        }),
      ),
    )
    .route('/', webAssets()),
)
