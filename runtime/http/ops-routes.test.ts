import { describe, expect, it } from 'vitest'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { opsRoutes } from './ops-routes.ts'

const TOKEN = 'ops-admin-token-123456'

describe('the operator routes', () => {
  const bus = memoryBus()

  it('answer only with the admin token, whoever the peer (a local proxy makes everyone loopback)', async () => {
    const app = opsRoutes({ bus, adminToken: TOKEN })
    expect((await app.request('/_oms/dlq')).status).toBe(404)
    const wrong = await app.request('/_oms/dlq', { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(404)
    const right = await app.request('/_oms/dlq', { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(right.status).toBe(200)
    expect(await right.json()).toEqual({ messages: [] })
  })

  it('answer no one without an admin token configured', async () => {
    const app = opsRoutes({ bus })
    expect((await app.request('/_oms/dlq')).status).toBe(404)
  })

  it('answer callers on this host under oms dev (OMS_OPS_LOOPBACK)', async () => {
    const app = opsRoutes({ bus, trustLoopback: true })
    expect((await app.request('/_oms/dlq')).status).toBe(200)
  })
})
