/**
 * The order's trace as a user finds it in Jaeger: the system exports OTLP/HTTP (protobuf, the
 * default) to a real Jaeger built from source, the POST's `traceresponse` header names the
 * trace, and Jaeger's query API returns it with spans from every domain it crossed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, startSystem, type TestSystem, waitFor } from './fixtures.ts'
import { JAEGER_OTLP, JAEGER_QUERY, jaegerUnavailable, startJaeger } from './servers/jaeger.ts'

describe.skipIf(await jaegerUnavailable())('traces in Jaeger', () => {
  let jaeger: { stop(): Promise<void> }
  let sys: TestSystem
  beforeAll(async () => {
    jaeger = await startJaeger()
    sys = await startSystem({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: JAEGER_OTLP } })
  }, 30_000)
  afterAll(async () => {
    await sys?.stop()
    await jaeger?.stop()
  })

  it('shows the order placed through the API as one trace across gateway, orders, stock, menu and payments', async () => {
    const res = await sys.fetch(
      '/api/customers/ann/orders',
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(res.status).toBe(201)
    const traceId = res.headers.get('traceresponse')?.split('-')[1]
    expect(traceId).toMatch(/^[0-9a-f]{32}$/)
    const services = await waitFor(
      async () => {
        const r = await fetch(`${JAEGER_QUERY}/api/traces/${traceId}`)
        if (!r.ok) return undefined
        const body = (await r.json()) as {
          data: { processes: Record<string, { serviceName: string }> }[]
        }
        const names = new Set(
          Object.values(body.data[0]?.processes ?? {}).map((p) => p.serviceName),
        )
        return ['gateway', 'orders', 'stock', 'menu', 'payments'].every((s) => names.has(s))
          ? names
          : undefined
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the trace in Jaeger' },
    )
    expect(services).toEqual(new Set(['gateway', 'orders', 'stock', 'menu', 'payments']))
  })
})
