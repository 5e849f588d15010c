/**
 * The kitchen display's behaviour: follows /api/kitchen/stream (EventSource: the queue on each
 * connect, then every move), draws the three lanes, and sends the staff's taps as moves. A tap
 * is sent once (its button is busy until answered); a move another display made first is
 * simply shown. A lost stream is reconnected by the browser; one the server refused (a session
 * that ended) asks to sign in again.
 */
import { ApiError } from '../lib/api.ts'
import { byId, h, keepFocus, show } from '../lib/dom.ts'
import {
  KitchenQueue,
  LANES,
  type Lane,
  NEXT_MOVE,
  type Ticket,
  waitedFor,
} from '../lib/kitchen-queue.ts'
import { staffApi, staffCall } from '../lib/staff-api.ts'

/** How soon a refused stream is tried again (ms). */
export const RECONNECT_MS = 2000
/** How often the "waiting for" times are redrawn (ms). */
const CLOCK_MS = 30_000
/**
 * Silence after which the stream counts as dead (ms): the server pings every 15 s, and a
 * dropped network (Wi-Fi lost, a cable pulled) closes nothing the browser would notice.
 */
export const SILENCE_MS = 40_000

type LinkState = 'connecting' | 'live' | 'reconnecting'

const LINK_TEXT: Readonly<Record<LinkState, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Connection lost — reconnecting…',
}

/** `signInAgain` shows the sign-in (the board hidden) and resolves once signed in. */
export function startKitchenBoard(signInAgain: () => Promise<void>) {
  const queue = new KitchenQueue()
  const busy = new Set<string>()
  const el = {
    root: byId('kitchen'),
    link: byId('kitchen-link'),
    error: byId('kitchen-error'),
  }
  let source: EventSource | undefined

  function setLink(state: LinkState) {
    el.root.dataset.link = state
    if (el.link.textContent !== LINK_TEXT[state]) el.link.textContent = LINK_TEXT[state]
  }

  function ticketCard(t: Ticket) {
    const next = NEXT_MOVE[t.status]
    const working = busy.has(t.id)
    return h(
      'li',
      { class: 'ticket', 'data-order': t.id, 'data-status': t.status },
      h(
        'div',
        { class: 'ticket-head' },
        h('span', { class: 'ticket-number' }, `#${t.number}`),
        h('time', { class: 'ticket-age', datetime: t.placedAt }, waitedFor(t.placedAt)),
      ),
      h(
        'ul',
        { class: 'ticket-lines' },
        t.items.map((i) =>
          h('li', null, h('span', { class: 'qty' }, `${i.quantity} ×`), ' ', i.name),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: `button ticket-move move-${next.move}`,
          'data-move': next.move,
          'data-focus': `ticket:${t.id}`,
          disabled: working,
          'aria-busy': working ? 'true' : undefined,
          'aria-label': `${next.label}: order ${t.number}`,
          onclick: () => void move(t, next.move),
        },
        next.label,
      ),
    )
  }

  function draw() {
    keepFocus(
      () => {
        for (const lane of LANES) {
          const tickets = queue.lane(lane)
          byId(`count-${lane}`).textContent = String(tickets.length)
          show(
            byId(`lane-list-${lane}`),
            tickets.length
              ? tickets.map(ticketCard)
              : h('li', { class: 'lane-empty muted' }, emptyText(lane)),
          )
        }
      },
      // The order moved on: focus its card's new button, wherever it is now.
      (key) => [key],
    )
  }

  async function move(t: Ticket, move: 'start' | 'ready' | 'collect') {
    if (busy.has(t.id)) return
    busy.add(t.id)
    show(el.error)
    draw()
    try {
      const { order } = await staffCall<{
        order: { id: string; status: string; updatedAt: string }
      }>(`/api/kitchen/orders/${encodeURIComponent(t.id)}/${move}`, { method: 'POST' })
      if (order.status === 'collected') queue.remove(order.id, order.status)
      else queue.upsert({ ...t, status: order.status as Lane, updatedAt: order.updatedAt })
    } catch (err) {
      if (err instanceof ApiError && err.code === 'INVALID_TRANSITION') {
        // Another display moved it first: the stream brings (or brought) where it is now.
        show(el.error, `Order #${t.number} was already moved on another screen.`)
      } else if (err instanceof ApiError && err.status === 401) {
        return void signedOut()
      } else {
        show(
          el.error,
          `Could not move order #${t.number}: ${err instanceof Error ? err.message : String(err)}. Try again.`,
        )
      }
    } finally {
      busy.delete(t.id)
      draw()
    }
  }

  async function signedOut() {
    source?.close()
    source = undefined
    el.root.hidden = true
    await signInAgain()
    el.root.hidden = false
    connect()
  }

  let heard = Date.now()
  function connect() {
    setLink(source ? 'reconnecting' : 'connecting')
    const stream = new EventSource('/api/kitchen/stream')
    source = stream
    heard = Date.now()
    for (const name of ['open', 'queue', 'order', 'gone', 'ping'])
      stream.addEventListener(name, () => {
        heard = Date.now()
      })
    stream.addEventListener('open', () => setLink('live'))
    stream.addEventListener('queue', (e) => {
      queue.replace((JSON.parse((e as MessageEvent<string>).data) as { orders: Ticket[] }).orders)
      setLink('live')
      draw()
    })
    stream.addEventListener('order', (e) => {
      const { order } = JSON.parse((e as MessageEvent<string>).data) as { order: Ticket }
      if (queue.upsert(order)) draw()
    })
    stream.addEventListener('gone', (e) => {
      const { id, status } = JSON.parse((e as MessageEvent<string>).data) as {
        id: string
        status: string
      }
      if (queue.remove(id, status)) draw()
    })
    stream.addEventListener('error', () => {
      if (stream.readyState === EventSource.CONNECTING) return setLink('reconnecting')
      // Refused (not the stream's own end): signed out, or the server is away; ask again.
      setLink('reconnecting')
      stream.close()
      setTimeout(async () => {
        if (source !== stream) return
        const session = await staffApi.session().catch(() => 'unknown' as const)
        if (session === undefined) return void signedOut()
        connect()
      }, RECONNECT_MS)
    })
  }

  el.root.hidden = false
  draw()
  connect()
  setInterval(draw, CLOCK_MS)
  // A stream that went silent is dead: a new one reads the whole queue again.
  setInterval(() => {
    if (!source || Date.now() - heard < SILENCE_MS) return
    source.close()
    connect()
  }, SILENCE_MS / 4)
}

function emptyText(lane: Lane): string {
  if (lane === 'paid') return 'No new orders.'
  if (lane === 'preparing') return 'Nothing on the grill.'
  return 'Nothing waiting for pickup.'
}
