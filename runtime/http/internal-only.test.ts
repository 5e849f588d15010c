import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger, testEnv } from '../../test/fixtures.ts'
import { loadFunctions } from '../catalog.ts'
import { createRuntime, type Runtime } from '../host.ts'
import { INTERNAL_HEADER } from './function-fetch.ts'

const TOKEN = 'internal-token-for-the-http-tests-0123456789'

describe('the HTTP routes of a process behind the front door', () => {
  let runtime: Runtime
  beforeAll(async () => {
    // Payments on its own, found by the gateway through the address map: reached by forwards.
    runtime = await createRuntime({
      env: testEnv({ OMS_INTERNAL_TOKEN: TOKEN, OMS_ADDRESSES: 'orders=127.0.0.1:1' }),
      functions: await loadFunctions(['payments']),
      log: silentLogger,
    })
    await runtime.start()
  })
  afterAll(() => runtime.stop())

  const webhook = (headers: Record<string, string>) =>
    fetch(`${runtime.bound.httpUrl}/api/payments/webhook`, { method: 'POST', body: '{}', headers })

  it('refuses a request without the internal credential, before any handler', async () => {
    const res = await webhook({})
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    expect((await webhook({ [INTERNAL_HEADER]: 'wrong' })).status).toBe(401)
  })

  it('lets a forwarded request with the credential through to its handler', async () => {
    // The handler runs: it checks the Stripe signature (absent here).
    const res = await webhook({ [INTERNAL_HEADER]: TOKEN })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID_SIGNATURE' } })
  })

  it('keeps /healthz open to probes', async () => {
    expect((await fetch(`${runtime.bound.httpUrl}/healthz`)).status).toBe(200)
  })
})
