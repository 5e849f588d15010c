/**
 * Mutual TLS between the six processes (certificates from `oms certs`): the order flow works
 * end to end; a caller without a certificate, or with one from another CA, cannot even connect;
 * and a caller is the domain its certificate names, whatever its call says — the kitchen's
 * certificate cannot set stock by claiming to be the gateway acting for an admin.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, credentials, status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kitchen } from '../functions/kitchen/domain.ts'
import { menu } from '../functions/menu/domain.ts'
import { orders } from '../functions/orders/domain.ts'
import { stock } from '../functions/stock/domain.ts'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { writeDevCertificates } from '../runtime/cli/commands/certs.ts'
import { type GrpcService, messageCopies } from '../runtime/model/grpc-service.ts'
import { stockService } from '../shared/services.ts'
import { post, sessionIdIn, signedStripeEvent, WEBHOOK_SECRET, waitFor } from './fixtures.ts'
import { DOMAINS, INTERNAL_TOKEN, type ProcessSystem, startProcesses } from './servers/processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'
import { rawCall } from './servers/raw-grpc.ts'

const available = await rabbitAvailable()
if (!available && process.env.CI) throw new Error('the mutual TLS test needs RabbitMQ')

describe.skipIf(!available)('mutual TLS between the six processes', () => {
  const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
  const certs = mkdtempSync(join(tmpdir(), 'oms-certs-'))
  const other = mkdtempSync(join(tmpdir(), 'oms-other-ca-'))
  const namespace = testNamespace()
  let system: ProcessSystem

  beforeAll(async () => {
    await Promise.all([
      buildBundles({ outDir: dist }),
      writeDevCertificates({ out: certs }),
      writeDevCertificates({ out: other, domains: ['gateway'] }),
    ])
    system = await startProcesses(
      dist,
      {
        AMQP_URL: RABBIT_URL,
        AMQP_NAMESPACE: namespace,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        KITCHEN_COOK_MS: '100',
        OMS_TLS_CA: join(certs, 'ca.pem'),
      },
      (domain) => ({
        OMS_TLS_CERT: join(certs, `${domain}.pem`),
        OMS_TLS_KEY: join(certs, `${domain}-key.pem`),
      }),
    )
  }, 90_000)
  afterAll(async () => {
    await system?.stop()
    await deleteNamespace(namespace)
  })

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${system.url}${path}`, init)
    return { status: res.status, body: await res.json() }
  }

  it('takes an order from menu to ready over mutual TLS', async () => {
    const placed = await json(
      '/api/customers/ann/orders',
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(placed.status).toBe(201)
    const orderId = placed.body.order.id as string
    const link: string = await waitFor(
      async () =>
        (await json(`/api/customers/ann/orders/${orderId}`)).body.order.paymentLink || undefined,
    )
    const paid = signedStripeEvent({ orderId, customerId: 'ann', sessionId: sessionIdIn(link) })
    const hook = await fetch(
      `${system.url}/api/payments/webhook`,
      post(paid.payload, { 'stripe-signature': paid.signature }),
    )
    expect(hook.status).toBe(200)
    await waitFor(
      async () =>
        (await json(`/api/customers/ann/orders/${orderId}`)).body.order.status === 'ready'
          ? true
          : undefined,
      { timeoutMs: 20_000, what: 'the order to be ready' },
    )
  })

  const stockAddress = () => `127.0.0.1:${system.ports.get('stock')?.grpc}`
  const tlsAs = (dir: string, domain: string) =>
    credentials.createSsl(
      readFileSync(join(dir, 'ca.pem')),
      readFileSync(join(dir, `${domain}-key.pem`)),
      readFileSync(join(dir, `${domain}.pem`)),
    )

  const setLevel = (client: Client, headers: Record<string, string>) =>
    rawCall(
      client,
      stockService.definition.setLevel,
      { itemId: 'brownie', onHand: 999_999 },
      headers,
    )

  const claimsAdminGateway = {
    authorization: `Bearer ${INTERNAL_TOKEN}`,
    'x-oms-caller': 'gateway',
    'x-oms-on-behalf-of': 'admin',
  }

  it('takes the caller from its certificate: the kitchen cannot pass for the gateway', async () => {
    const client = new Client(stockAddress(), tlsAs(certs, 'kitchen'))
    try {
      expect(await setLevel(client, claimsAdminGateway)).toBe(status.PERMISSION_DENIED)
    } finally {
      client.close()
    }
    const menu = await json('/api/menu')
    expect(menu.body.items.find((i: { id: string }) => i.id === 'brownie').available).toBeLessThan(
      999_999,
    )
  })

  it("refuses every method to another domain's certificate where the method does not allow it, changing nothing", async () => {
    const before = (await json('/api/menu')).body
    const refused: Record<string, number> = {}
    for (const served of [menu, stock, orders, kitchen]) {
      const service = served.spec.serves as GrpcService
      const access = (served.spec.access ?? {}) as Record<string, Record<string, unknown>>
      for (const [method, m] of Object.entries(service.definition)) {
        const rules = access[method] ?? {}
        if ('*' in rules) continue
        const outsider = DOMAINS.find((d) => d !== served.name && !(d in rules))!
        const client = new Client(
          `127.0.0.1:${system.ports.get(served.name)?.grpc}`,
          tlsAs(certs, outsider),
        )
        try {
          // It even claims to be the gateway acting for an admin: the certificate decides.
          refused[`${service.name}/${method} as ${outsider}`] = await rawCall(
            client,
            m,
            messageCopies(service, method).request({}),
            claimsAdminGateway,
          )
        } finally {
          client.close()
        }
      }
    }
    expect(Object.keys(refused)).toHaveLength(14)
    expect(new Set(Object.values(refused))).toEqual(new Set([status.PERMISSION_DENIED]))
    expect((await json('/api/menu')).body).toEqual(before)
  })

  it.each([
    ['no TLS at all', () => credentials.createInsecure()],
    [
      'a certificate from another CA',
      // It trusts our CA (the server's certificate checks out); ours does not trust its.
      () =>
        credentials.createSsl(
          readFileSync(join(certs, 'ca.pem')),
          readFileSync(join(other, 'gateway-key.pem')),
          readFileSync(join(other, 'gateway.pem')),
        ),
    ],
  ])('lets no one in with %s', async (_what, creds) => {
    const client = new Client(stockAddress(), creds())
    try {
      expect(await setLevel(client, claimsAdminGateway)).toBe(status.UNAVAILABLE)
    } finally {
      client.close()
    }
  })
})
