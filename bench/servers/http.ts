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
import { memoryStore } from '../../runtime/adapters/store/memory-store.ts'
import { seedIfEmpty } from '../../runtime/adapters/store/seed.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { loadConfig } from '../../runtime/config.ts'
import { createRuntime } from '../../runtime/host.ts'
import { http } from '../../runtime/model/define.ts'
import { serveParent } from './parent.ts'

const mode = process.argv[2]

/** The trivial route, as a function the runtime hosts. */
const ping = http(() => new Hono().get('/ping', (c) => c.text('pong')))

if (mode === 'runtime') {
  const config = loadConfig()
  const functions = [
    { name: 'bench.ping', domain: 'bench', def: ping },
    ...(await loadFunctions(['gateway.menu-api', 'menu.list-items', 'stock.get-levels'])),
  ]
  const runtime = await createRuntime({ config, functions })
  await runtime.start()
  serveParent({ url: runtime.bound.httpUrl?.replace('localhost', '127.0.0.1') }, {}, () =>
    runtime.stop(),
  )
} else if (mode === 'raw') {
  const store = memoryStore()
  await seedIfEmpty(store)
  const app = new Hono()
    .get('/ping', (c) => c.text('pong'))
    .get('/api/menu', async (c) => {
      const [items, levels] = await Promise.all([store.menu.list(), store.stock.levels()])
      return c.json(presentMenu(items, levels))
    })
  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  const { port } = server.address() as AddressInfo
  serveParent({ url: `http://127.0.0.1:${port}` })
} else {
  throw new Error(`usage: http.ts runtime|raw (got ${mode})`)
}
