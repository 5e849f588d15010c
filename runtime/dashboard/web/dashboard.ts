/**
 * The dashboard's page (bundled by esbuild): the process's functions and where they are bound,
 * its queues with their counts, the parked messages with a Replay button, the recent requests
 * and a journey found by an id, laid out as a timeline. Everything but the functions refreshes
 * every two seconds while the tab is visible.
 */
import type { QueueStats } from '../../ports/bus.ts'
import type { FunctionView } from '../functions.ts'
import type { Journey, JourneyStep, JourneyTrace } from '../journey.ts'
import type { RecentRequest } from '../requests.ts'
import { call, NotLetIn, storedToken, storeToken } from './api.ts'
import { clock, duration, fill, h, short } from './dom.ts'

const REFRESH_MS = 2000

interface Overview {
  pid: number
  bus: string
  httpUrl: string | null
  grpcPort: number | null
  functions: number
  spans: { kept: number; capacity: number } | null
  why?: string
}

interface Parked {
  id: string
  consumer: string
  event: string
  error: string
  tries: number
  parkedAt: string
}

const app = document.getElementById('app') as HTMLElement

function section(id: string, title: string, ...intro: (Node | string)[]) {
  const body = h('div', { class: 'section-body' })
  const status = h('p', { class: 'section-status', role: 'status' })
  const el = h(
    'section',
    { id, class: 'card', 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title),
    intro.length > 0 ? h('p', { class: 'intro' }, ...intro) : null,
    status,
    body,
  )
  return { el, body, status }
}

/** A table with a header row; `rows` are its body's rows. */
function table(label: string, headers: string[], rows: HTMLTableRowElement[]) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'aria-label': label },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((name) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  )
}

// --- sections -------------------------------------------------------------------------------

const header = h('header', { class: 'top' })
const notice = h('p', { class: 'notice', role: 'status', hidden: true })
const gate = h('section', { class: 'card gate', hidden: true, 'aria-labelledby': 'gate-title' })
const functions = section(
  'functions',
  'Functions',
  'Every function this process hosts, its trigger and where it is bound.',
)
const queues = section(
  'queues',
  'Queues',
  'One queue per consumer function: ready to deliver, being handled here, waiting to be retried, parked.',
)
const parked = section(
  'parked',
  'Parked messages',
  'Messages that failed every try or can never succeed. Once the cause is fixed, replay them to their queue.',
)
const requests = section(
  'requests',
  'Recent requests',
  'The last HTTP requests served, newest first.',
)
const journey = section(
  'journey',
  'Journey',
  'Everything that happened to one thing, across functions and traces: enter an id it is known by (or a trace id). Traces that link to each other (a webhook continuing an earlier trace) are followed.',
)

const nav = h(
  'nav',
  { 'aria-label': 'Sections' },
  [functions, queues, parked, requests, journey].map((s) =>
    h('a', { href: `#${s.el.id}` }, s.el.querySelector('h2')?.textContent ?? ''),
  ),
)

app.replaceChildren(
  header,
  nav,
  notice,
  gate,
  h('div', { class: 'grid' }, functions.el, queues.el, parked.el, requests.el, journey.el),
)
app.removeAttribute('aria-busy')

function say(text: string) {
  notice.textContent = text
  notice.hidden = false
  window.setTimeout(() => {
    if (notice.textContent === text) notice.hidden = true
  }, 4000)
}

// --- the token gate -------------------------------------------------------------------------

let letIn = true

function showGate(rejected: boolean) {
  letIn = false
  const input = h('input', {
    id: 'token',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    required: true,
    minlength: 12,
  })
  fill(
    gate,
    h('h2', { id: 'gate-title' }, 'Admin token needed'),
    h(
      'p',
      {},
      'This process answers its dashboard only to callers on its own host under oms dev, or to whoever presents its ADMIN_TOKEN. The token is kept in this tab only (sessionStorage) and sent as a bearer token.',
    ),
    rejected ? h('p', { class: 'error', role: 'alert' }, 'That token was not accepted.') : null,
    h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault()
          storeToken(input.value.trim())
          void start()
        },
      },
      h('label', { for: 'token' }, 'ADMIN_TOKEN'),
      input,
      h('button', { type: 'submit' }, 'Open the dashboard'),
    ),
  )
  gate.hidden = false
  for (const s of [functions, queues, parked, requests, journey]) s.el.hidden = true
  input.focus()
}

function hideGate() {
  letIn = true
  gate.hidden = true
  for (const s of [functions, queues, parked, requests, journey]) s.el.hidden = false
}

// --- renderers ------------------------------------------------------------------------------

function renderOverview(o: Overview) {
  const token = storedToken()
  fill(
    header,
    h('h1', {}, 'OMS dashboard'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'process'),
      h('dd', {}, `pid ${o.pid}`),
      h('dt', {}, 'HTTP'),
      h('dd', {}, o.httpUrl ?? 'not served'),
      h('dt', {}, 'gRPC'),
      h('dd', {}, o.grpcPort === null ? 'not served' : `port ${o.grpcPort}`),
      h('dt', {}, 'bus'),
      h('dd', {}, o.bus),
      h('dt', {}, 'spans kept'),
      h('dd', {}, o.spans ? `${o.spans.kept} of ${o.spans.capacity}` : 'none'),
    ),
    token
      ? h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: () => {
              storeToken(undefined)
              void start()
            },
          },
          'Forget the token',
        )
      : null,
  )
  if (o.why) journey.status.textContent = o.why
}

function renderFunctions(list: FunctionView[]) {
  const rows = list.map((fn) =>
    h(
      'tr',
      { 'data-function': fn.name },
      h('th', { scope: 'row' }, h('code', {}, fn.name)),
      h('td', {}, h('span', { class: `kind kind-${fn.kind}` }, fn.kind)),
      h('td', {}, h('code', {}, fn.summary)),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'bound' },
          fn.bound.map((line) => h('li', {}, line)),
        ),
      ),
    ),
  )
  fill(functions.body, table('Functions', ['Function', 'Kind', 'Trigger', 'Bound'], rows))
  functions.status.textContent = `${list.length} functions`
}

function renderQueues(bus: string, list: QueueStats[]) {
  const count = (q: QueueStats, key: 'ready' | 'inFlight' | 'retrying' | 'parked') =>
    h('td', { class: `num${q[key] > 0 ? ` some ${key}` : ''}`, 'data-count': key }, q[key])
  const rows = [...list]
    .sort((a, b) => a.consumer.localeCompare(b.consumer))
    .map((q) =>
      h(
        'tr',
        { 'data-queue': q.consumer },
        h('th', { scope: 'row' }, h('code', {}, q.consumer)),
        h('td', {}, h('code', {}, q.event)),
        count(q, 'ready'),
        count(q, 'inFlight'),
        count(q, 'retrying'),
        count(q, 'parked'),
      ),
    )
  fill(
    queues.body,
    table('Queues', ['Consumer', 'Event', 'Ready', 'In flight', 'Retrying', 'Parked'], rows),
  )
  const total = list.reduce((n, q) => n + q.parked, 0)
  queues.status.textContent = `${list.length} queues on the ${bus} bus${total > 0 ? `, ${total} parked` : ''}`
}

async function replay(filter: { function?: string; id?: string }) {
  try {
    const { replayed } = await call<{ replayed: number }>('/dlq/replay', filter)
    say(`Replayed ${replayed} message${replayed === 1 ? '' : 's'}.`)
  } catch (err) {
    say(`Replay failed: ${err instanceof Error ? err.message : String(err)}`)
  }
  await refresh()
}

function renderParked(list: Parked[]) {
  if (list.length === 0) {
    fill(parked.body, h('p', { class: 'empty' }, 'Nothing is parked.'))
    parked.status.textContent = ''
    return
  }
  const rows = list.map((m) =>
    h(
      'tr',
      { 'data-parked-id': m.id, 'data-consumer': m.consumer },
      h('th', { scope: 'row' }, h('code', {}, m.consumer)),
      h('td', {}, h('code', {}, m.event)),
      h('td', {}, h('code', { title: m.id }, short(m.id, 14))),
      h('td', { class: 'error-text' }, m.error),
      h('td', { class: 'num' }, m.tries),
      h('td', {}, clock(Date.parse(m.parkedAt))),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Replay ${m.id} to ${m.consumer}`,
            onclick: () => replay({ function: m.consumer, id: m.id }),
          },
          'Replay',
        ),
      ),
    ),
  )
  fill(
    parked.body,
    table(
      'Parked messages',
      ['Consumer', 'Event', 'Message', 'Error', 'Tries', 'Parked', ''],
      rows,
    ),
    list.length > 1
      ? h(
          'button',
          { type: 'button', class: 'quiet', onclick: () => replay({}) },
          `Replay all ${list.length}`,
        )
      : null,
  )
  parked.status.textContent = `${list.length} parked`
}

function renderRequests(list: RecentRequest[], why?: string) {
  if (list.length === 0) {
    fill(requests.body, h('p', { class: 'empty' }, why ?? 'No requests yet.'))
    return
  }
  const rows = list.map((r) =>
    h(
      'tr',
      { 'data-trace': r.traceId, class: r.status && r.status >= 500 ? 'failed' : '' },
      h('td', {}, clock(r.atMs)),
      h('td', {}, r.method),
      h('td', {}, h('code', { title: r.path }, r.route)),
      h(
        'td',
        { class: `num status-${Math.floor((r.status ?? 0) / 100)}xx` },
        r.status ?? '—',
        r.error ? h('span', { class: 'code' }, ` ${r.error}`) : null,
      ),
      h('td', { class: 'num' }, duration(r.durationMs)),
      h('td', {}, h('code', {}, r.fn)),
      h(
        'td',
        {},
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            title: `Show the journey of trace ${r.traceId}`,
            onclick: () => {
              queryInput.value = r.traceId
              void findJourney()
              journey.el.scrollIntoView()
            },
          },
          short(r.traceId),
        ),
      ),
    ),
  )
  fill(
    requests.body,
    table(
      'Recent requests',
      ['Time', 'Method', 'Route', 'Status', 'Duration', 'Function', 'Trace'],
      rows,
    ),
  )
  requests.status.textContent = `${list.length} requests`
}

// --- the journey ----------------------------------------------------------------------------

const queryInput = h('input', {
  id: 'journey-q',
  name: 'q',
  type: 'search',
  placeholder: 'an id, a trace id…',
  autocomplete: 'off',
  spellcheck: 'false',
})
const journeyForm = h(
  'form',
  {
    role: 'search',
    class: 'journey-form',
    onsubmit: (e: Event) => {
      e.preventDefault()
      void findJourney()
    },
  },
  h('label', { for: 'journey-q' }, 'Find by id'),
  queryInput,
  h('button', { type: 'submit' }, 'Find'),
)
const journeyResult = h('div', { class: 'journey-result' })
journey.body.append(journeyForm, journeyResult)

let activeQuery = ''

function traceLabel(t: JourneyTrace, index: Map<string, number>) {
  const name = (id: string) => `trace ${(index.get(id) ?? 0) + 1}`
  const notes: string[] = []
  if (t.linksTo.length > 0) notes.push(`links to ${t.linksTo.map(name).join(', ')}`)
  if (t.linkedFrom.length > 0) notes.push(`linked from ${t.linkedFrom.map(name).join(', ')}`)
  if (!t.matched) notes.push('found through its link')
  return notes.join(' · ')
}

function stepRow(step: JourneyStep, total: number) {
  const bar = h('span', { class: 'bar' })
  // Positions through the CSS object model (the page's CSP allows no inline styles).
  bar.style.left = `${(step.offsetMs / total) * 100}%`
  bar.style.width = `${Math.max((step.durationMs / total) * 100, 0.4)}%`
  const name = h('span', { class: 'step-name', title: step.name }, step.name)
  name.style.paddingLeft = `${step.depth * 0.9}rem`
  const outcome =
    step.outcome === 'ok'
      ? h('span', { class: 'outcome ok' }, 'ok', step.message ? ` · ${step.message}` : '')
      : h(
          'span',
          { class: `outcome ${step.outcome}`, title: step.message ?? '' },
          step.outcome,
          `: ${step.message ?? ''}`,
        )
  return h(
    'li',
    {
      class: `step${step.matched ? ' matched' : ''}`,
      'data-fn': step.fn,
      'data-what': step.what,
      'data-outcome': step.outcome,
      'data-trace': step.traceId,
    },
    h('span', { class: 'offset' }, `+${duration(step.offsetMs)}`),
    h('code', { class: 'fn' }, step.fn),
    h('span', { class: `what what-${step.what}` }, step.what),
    name,
    h('span', { class: 'track', 'aria-hidden': 'true' }, bar),
    h('span', { class: 'num' }, duration(step.durationMs)),
    h('span', {}, outcome, step.attempt && step.attempt > 1 ? ` (try ${step.attempt})` : ''),
  )
}

function renderJourney(j: Journey & { why?: string }) {
  if (j.steps.length === 0 && j.reads.length === 0) {
    fill(journeyResult, h('p', { class: 'empty' }, j.why ?? `No kept span mentions ${j.query}.`))
    return
  }
  const total = Math.max(j.durationMs, 1)
  const index = new Map(j.traces.map((t, i) => [t.traceId, i]))
  const fns = new Set(j.steps.map((s) => s.fn))
  const items: HTMLElement[] = []
  j.traces.forEach((t, i) => {
    const note = traceLabel(t, index)
    items.push(
      h(
        'li',
        {
          class: `trace-head trace-${i % 6}`,
          'data-trace': t.traceId,
          'data-linked': t.linksTo.length + t.linkedFrom.length > 0 ? 'true' : undefined,
        },
        h('strong', {}, `Trace ${i + 1}`),
        ' ',
        h('code', { title: t.traceId }, short(t.traceId, 12)),
        ` · ${t.root} · `,
        h('code', {}, t.fn),
        ` · +${duration(t.offsetMs)}, ${duration(t.durationMs)}`,
        note ? h('span', { class: 'trace-note' }, ` · ${note}`) : null,
      ),
    )
    for (const step of j.steps.filter((s) => s.traceId === t.traceId)) {
      const row = stepRow(step, total)
      row.classList.add(`trace-${i % 6}`)
      items.push(row)
    }
  })
  fill(
    journeyResult,
    h(
      'p',
      { class: 'journey-summary' },
      `${j.steps.length} steps in ${j.traces.length} trace${j.traces.length === 1 ? '' : 's'} across ${fns.size} functions, over ${duration(j.durationMs)}, from ${clock(j.startMs)}`,
      j.truncated ? ' (the first traces only)' : '',
    ),
    h(
      'div',
      { class: 'step-head', 'aria-hidden': 'true' },
      h('span', {}, 'start'),
      h('span', {}, 'function'),
      h('span', {}, 'kind'),
      h('span', {}, 'step'),
      h('span', {}, 'timeline'),
      h('span', {}, 'took'),
      h('span', {}, 'outcome'),
    ),
    h('ol', { class: 'timeline', 'aria-label': `Journey of ${j.query}` }, items),
    j.reads.length > 0
      ? h(
          'p',
          { class: 'reads' },
          'Also read: ',
          j.reads.flatMap((r, i) => [
            i > 0 ? '; ' : '',
            h('code', {}, r.name),
            ` ×${r.count} (last at ${clock(r.lastAtMs)})`,
          ]),
        )
      : null,
  )
}

async function findJourney() {
  activeQuery = queryInput.value.trim()
  if (!activeQuery) return
  const hash = `#journey=${encodeURIComponent(activeQuery)}`
  if (location.hash !== hash) history.replaceState(null, '', hash)
  await loadJourney()
}

async function loadJourney() {
  if (!activeQuery) return
  try {
    renderJourney(
      await call<Journey & { why?: string }>(`/api/journey?q=${encodeURIComponent(activeQuery)}`),
    )
    journey.status.textContent = ''
  } catch (err) {
    if (err instanceof NotLetIn) return showGate(Boolean(storedToken()))
    journey.status.textContent = `Could not load the journey: ${err instanceof Error ? err.message : String(err)}`
  }
}

// --- loading --------------------------------------------------------------------------------

async function load<T>(
  target: { status: HTMLElement },
  path: string,
  render: (value: T) => void,
): Promise<void> {
  try {
    render(await call<T>(path))
  } catch (err) {
    if (err instanceof NotLetIn) throw err
    target.status.textContent = `Could not load: ${err instanceof Error ? err.message : String(err)}`
  }
}

async function refresh() {
  if (!letIn) return
  try {
    await Promise.all([
      load<Overview>(journey, '/api/overview', renderOverview),
      load<{ bus: string; queues: QueueStats[] }>(queues, '/api/queues', (v) =>
        renderQueues(v.bus, v.queues),
      ),
      load<{ messages: Parked[] }>(parked, '/dlq', (v) => renderParked(v.messages)),
      load<{ requests: RecentRequest[]; why?: string }>(requests, '/api/requests', (v) =>
        renderRequests(v.requests, v.why),
      ),
      loadJourney(),
    ])
  } catch (err) {
    if (err instanceof NotLetIn) showGate(Boolean(storedToken()))
  }
}

async function start() {
  try {
    await call<Overview>('/api/overview')
  } catch (err) {
    if (err instanceof NotLetIn) return showGate(Boolean(storedToken()))
  }
  hideGate()
  await Promise.all([
    load<{ functions: FunctionView[] }>(functions, '/api/functions', (v) =>
      renderFunctions(v.functions),
    ).catch(() => {}),
    refresh(),
  ])
}

const fromHash = new URLSearchParams(location.hash.slice(1)).get('journey')
if (fromHash) {
  queryInput.value = fromHash
  activeQuery = fromHash
}
void start()
window.setInterval(() => {
  if (document.visibilityState === 'visible') void refresh()
}, REFRESH_MS)
