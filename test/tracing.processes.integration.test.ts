/**
 * One order followed through every hop with the domains in separate processes (bundles),
 * exporting OTLP/HTTP to a real receiver in the test: one trace from the POST through
 * orders → stock → order.created → payments; the order.paid consumers and the kitchen's work
 * in the webhook's trace, which links to the order's; parents across process boundaries.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { post, WEBHOOK_SECRET, waitFor } from './fixtures.ts'
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './servers/otlp-receiver.ts'
import { type ProcessSystem, startProcesses } from './servers/processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

const SERVER = 2
const CLIENT = 3
const PRODUCER = 4
const CONSUMER = 5

describe.skipIf(!(await rabbitAvailable()))('tracing across processes', () => {
  const namespace = testNamespace()
  let receiver: OtlpReceiver
  let system: ProcessSystem

  beforeAll(async () => {
    const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
    receiver = await startOtlpReceiver()
    await buildBundles({ outDir: dist })
    system = await startProcesses(dist, {
      AMQP_URL: RABBIT_URL,
      AMQP_NAMESPACE: namespace,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      KITCHEN_COOK_MS: '50',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    })
  }, 60_000)
  afterAll(async () => {
    await system?.stop()
    await receiver?.close()
    await deleteNamespace(namespace)
  })

  it('follows one order through every function, with parents and links across processes', async () => {
    const created = await fetch(
      `${system.url}/api/customers/ann/orders`,
      post({ items: [{ id: 'burger', quantity: 1 }] }),
    )
    expect(created.status).toBe(201)
    const orderId = (await created.json()).order.id as string
    const order = async () =>
      (await (await fetch(`${system.url}/api/customers/ann/orders/${orderId}`)).json()).order
    const link = await waitFor(async () => (await order()).paymentLink ?? undefined, {
      what: 'payment link',
    })
    // Pay on the local checkout (served by payments, through the gateway): it delivers a
    // Stripe-signed webhook whose session metadata carries the order's trace context.
    const paid = await fetch(`${system.url}${new URL(link).pathname}/pay`, {
      method: 'POST',
      redirect: 'manual',
    })
    expect(paid.status).toBe(303)
    const post1 = await waitFor(
      () =>
        receiver.spans.find(
          (s) => s.name === 'POST /api/customers/:customerId/orders' && s.service === 'gateway',
        ),
      { what: 'the POST span' },
    )
    await waitFor(async () => ((await order()).status === 'ready' ? true : undefined), {
      what: 'ready',
    })

    const spans = receiver.spans
    const find = (pred: (s: ReceivedSpan) => boolean, what: string) =>
      waitFor(() => spans.find(pred), { what, timeoutMs: 15_000 })
    const trace = post1.traceId
    const inOrderTrace = (s: ReceivedSpan) => s.traceId === trace

    // POST → orders (gRPC, another process) → stock (gRPC, another process)
    const createClient = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'gateway' &&
        s.kind === CLIENT &&
        s.name.endsWith('/CreateOrder'),
      'gateway → CreateOrder client span',
    )
    const createServer = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'orders' &&
        s.kind === SERVER &&
        s.name.endsWith('/CreateOrder'),
      'CreateOrder server span',
    )
    expect(createServer.parentSpanId).toBe(createClient.spanId)
    expect(createServer.attributes['faas.name']).toBe('orders.create-order')
    const reserveClient = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'orders' &&
        s.kind === CLIENT &&
        s.name.endsWith('/ReserveStock'),
      'ReserveStock client',
    )
    const reserveServer = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'stock' &&
        s.kind === SERVER &&
        s.name.endsWith('/ReserveStock'),
      'ReserveStock server',
    )
    expect(reserveServer.parentSpanId).toBe(reserveClient.spanId)

    // order.created → payments (RabbitMQ, another process)
    const published = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'orders' &&
        s.kind === PRODUCER &&
        s.name === 'publish order.created',
      'publish order.created',
    )
    const consumed = await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'payments' &&
        s.kind === CONSUMER &&
        s.name === 'consume order.created',
      'payments consume',
    )
    expect(consumed.parentSpanId).toBe(published.spanId)
    expect(consumed.attributes['messaging.delivery.attempt']).toBe(1)
    await find(
      (s) =>
        inOrderTrace(s) &&
        s.service === 'payments' &&
        s.name === 'payments checkout.sessions.create',
      'checkout session span',
    )

    // The webhook starts its own trace, linked to the order's; order.paid and the kitchen follow it.
    const webhook = await find(
      (s) =>
        s.service === 'payments' && s.kind === SERVER && s.name === 'POST /api/payments/webhook',
      'webhook span',
    )
    expect(webhook.traceId).not.toBe(trace)
    expect(webhook.links.map((l) => l.traceId)).toContain(trace)
    // It links to the span that opened the checkout (payments' consume of order.created).
    expect(spans.find((s) => s.spanId === webhook.links[0]?.spanId)?.name).toBe(
      'consume order.created',
    )
    const paidPublish = await find(
      (s) =>
        s.traceId === webhook.traceId && s.kind === PRODUCER && s.name === 'publish order.paid',
      'publish order.paid',
    )
    for (const service of ['orders', 'stock']) {
      const c = await find(
        (s) =>
          s.traceId === webhook.traceId &&
          s.service === service &&
          s.kind === CONSUMER &&
          s.name === 'consume order.paid',
        `${service} consume order.paid`,
      )
      expect(c.parentSpanId).toBe(paidPublish.spanId)
    }
    const cook = await find(
      (s) =>
        s.traceId === webhook.traceId && s.service === 'kitchen' && s.name === 'work kitchen.cook',
      'the kitchen work span',
    )
    expect(cook.attributes['faas.name']).toBe('kitchen.cook')
    await find(
      (s) =>
        s.traceId === webhook.traceId &&
        s.service === 'orders' &&
        s.kind === SERVER &&
        s.name.endsWith('/UpdateOrder'),
      'kitchen → UpdateOrder',
    )
    await find(
      (s) =>
        s.traceId === webhook.traceId &&
        s.service === 'kitchen' &&
        s.name === 'publish order.ready',
      'publish order.ready',
    )

    // The embedded store answers in process: its calls are not spans (a database's would be).
    expect(spans.filter((s) => s.name.startsWith('store ')).map((s) => s.name)).toEqual([])
    // Every span names its domain as the service.
    expect(new Set(spans.map((s) => s.service))).toEqual(
      new Set(
        ['gateway', 'orders', 'stock', 'menu', 'payments', 'kitchen'].filter((d) =>
          spans.some((s) => s.service === d),
        ),
      ),
    )
  })
})
