/**
 * Bench child for the HTTP benchmark: `GET /ping` (a trivial route) and `GET /api/menu`,
 * either hosted by the runtime (`runtime`: a tiny HTTP function plus the gateway's menu
 * function and the gRPC functions it calls, all in this process) or on raw Hono +
 * @hono/node-server (`raw`: the same routes reading the same embedded store directly, shaping
 * the menu with the gateway's own function).
 *
 *   node --import tsx bench/servers/http.ts runtime|raw     (PORT from the environment)
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { presentMenu } from '../../functions/gateway/lib/present.ts'
import { menu } from '../../functions/menu/domain.ts'
import { stock } from '../../functions/stock/domain.ts'
import { memoryDocuments } from '../../runtime/adapters/documents/memory/memory-documents.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime } from '../../runtime/host.ts'
import { domain } from '../../runtime/model/domain.ts'
import { dataOf } from '../../test/fixtures.ts'
import { serveParent } from './parent.ts'

const mode = process.argv[2]

/** The bench's own domain: nothing but the trivial route. */
const bench = domain('bench')

/** The trivial route, as a function the runtime hosts. */
const ping = bench.http(() => new Hono().get('/ping', (c) => c.text('pong')))

if (mode === 'runtime') {
  const functions = [
    { name: 'bench.ping', domain: bench.name, def: ping },
    ...(await loadFunctions(['gateway.menu-api', 'menu.list-items', 'stock.get-levels'])),
  ]
  const runtime = await createRuntime({ functions })
  await runtime.start()
  serveParent({ url: runtime.bound.httpUrl?.replace('localhost', '127.0.0.1') }, {}, () =>
    runtime.stop(),
  )
} else if (mode === 'raw') {
  // The same embedded store, read through the same repositories, seeded as the domains seed it.
  const store = memoryDocuments()
  for (const d of [menu, stock])
    await store.prepare(
      d.name,
      Object.values(d.spec.data?.collections ?? {}).map((c) => c.spec),
    )
  const items = dataOf(menu, store)
  const levels = dataOf(stock, store)
  await menu.spec.seed?.(items)
  await stock.spec.seed?.(levels)
  const app = new Hono()
    .get('/ping', (c) => c.text('pong'))
    .get('/api/menu', async (c) => {
      const [list, all] = await Promise.all([items.list(), levels.levels()])
      return c.json(presentMenu(list, all))
    })
  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const { port } = server.address() as AddressInfo
  serveParent({ url: `http://127.0.0.1:${port}` })
} else {
  throw new Error(`usage: http.ts runtime|raw (got ${mode})`)
}
