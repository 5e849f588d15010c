// Trigger: HTTP GET /kitchen — the kitchen display: staff sign in, then see the paid orders
// (oldest first) in three lanes — new, preparing, ready — pushed live from /api/kitchen/stream,
// and move them with Start, Ready and Collected.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { gateway } from './domain.ts'
import { webAssets } from './lib/web-assets.ts'
import { sendPage, webPage } from './lib/web-page.ts'

const body = html`<div id="kitchen-sign-in"></div>
<section id="kitchen" class="kitchen" aria-labelledby="kitchen-title" hidden>
  <div class="kitchen-head">
    <h1 id="kitchen-title">Kitchen</h1>
    <p id="kitchen-link" class="link-state" role="status" aria-live="polite">Connecting…</p>
  </div>
  <div id="kitchen-error" class="alert" role="alert"></div>
  <div class="lanes">
    <section class="lane" data-lane="paid" aria-labelledby="lane-paid">
      <h2 id="lane-paid">New <span class="count" id="count-paid">0</span></h2>
      <ol id="lane-list-paid" class="tickets"></ol>
    </section>
    <section class="lane" data-lane="preparing" aria-labelledby="lane-preparing">
      <h2 id="lane-preparing">Preparing <span class="count" id="count-preparing">0</span></h2>
      <ol id="lane-list-preparing" class="tickets"></ol>
    </section>
    <section class="lane" data-lane="ready" aria-labelledby="lane-ready">
      <h2 id="lane-ready">Ready <span class="count" id="count-ready">0</span></h2>
      <ol id="lane-list-ready" class="tickets"></ol>
    </section>
  </div>
</section>`

export default gateway.http(() =>
  new Hono()
    .get('/kitchen', (c) =>
      sendPage(
        c,
        webPage({ title: 'Kitchen', script: 'kitchen.js', current: 'kitchen', staff: true, body }),
      ),
    )
    .route('/', webAssets()),
)
