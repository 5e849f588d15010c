/**
 * The Stripe adapter through the real Stripe client against stripe-mock (Stripe's API mock,
 * which checks every request against Stripe's OpenAPI description), with a recording proxy in
 * between: a checkout session is created once per order with the order's expiry and its id
 * kept, a cancelled order's session is expired, a late payment is refunded, every write carries
 * an idempotency key, and 5xx / 429 answers are retried with the same key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryDocuments } from '../../../../runtime/adapters/documents/memory/memory-documents.ts'
import { preparedDataOf } from '../../../../test/fixtures.ts'
import {
  type RecordingProxy,
  startRecordingProxy,
} from '../../../../test/servers/recording-proxy.ts'
import {
  type StripeMock,
  startStripeMock,
  stripeMockUnavailable,
} from '../../../../test/servers/stripe-mock.ts'
import { payments } from '../../domain.ts'
import { stripePayments } from './stripe-payments.ts'

describe.skipIf(stripeMockUnavailable())('Stripe payments against stripe-mock', () => {
  let mock: StripeMock
  let proxy: RecordingProxy
  beforeAll(async () => {
    mock = await startStripeMock()
    proxy = await startRecordingProxy(mock.url)
  }, 30_000)
  afterAll(async () => {
    await proxy?.close()
    await mock?.close()
  })
  const sent = (path: RegExp) => proxy.requests.filter((r) => path.test(r.path))

  async function provider() {
    const data = await preparedDataOf(payments, memoryDocuments())
    const stripe = stripePayments({
      secretKey: 'sk_test_123',
      webhookSecret: 'whsec_test',
      apiBase: proxy.url,
      sessions: data.stripeSessions,
    })
    return { stripe, data }
  }

  const request = (orderId: string) => ({
    orderId,
    customerId: 'ann',
    currency: 'eur',
    lines: [{ priceId: 'price_burger', name: 'Burger', quantity: 2, unitAmount: 850 }],
    successUrl: `http://localhost:0/orders/ann/${orderId}?checkout=success`,
    cancelUrl: `http://localhost:0/orders/ann/${orderId}?checkout=cancelled`,
    traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  })

  it('creates a checkout session through the Stripe API and keeps its id for the order', async () => {
    const { stripe, data } = await provider()
    const session = await stripe.createCheckoutSession(request('order-1'))
    expect(session.id).toMatch(/^cs_/)
    expect(session.url).toMatch(/^https?:\/\//)
    expect(await data.stripeSessions.get('order-1')).toEqual({
      _id: 'order-1',
      sessionId: session.id,
      customerId: 'ann',
    })
    const [create] = sent(/^\/v1\/checkout\/sessions$/)
    expect(create?.headers['idempotency-key']).toBe('checkout-order-1')
    expect(create?.form.get('metadata[orderId]')).toBe('order-1')
    expect(create?.form.get('metadata[customerId]')).toBe('ann')
    expect(await stripe.sessionOf('order-1')).toEqual({ sessionId: session.id, customerId: 'ann' })
  })

  it("creates the session to expire with its order, within Stripe's 30 minutes to 24 hours", async () => {
    const { stripe } = await provider()
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString()
    await stripe.createCheckoutSession({ ...request('order-exp'), expiresAt: inAnHour })
    const soon = new Date(Date.now() + 60_000).toISOString()
    await stripe.createCheckoutSession({ ...request('order-soon'), expiresAt: soon })
    const expiry = (orderId: string) =>
      Number(
        sent(/^\/v1\/checkout\/sessions$/)
          .find((r) => r.form.get('metadata[orderId]') === orderId)
          ?.form.get('expires_at'),
      )
    expect(expiry('order-exp')).toBe(Math.floor(Date.parse(inAnHour) / 1000))
    // Stripe refuses less than 30 minutes: the session lives 30 (and a minute); orders cancels
    // the order on time, which expires the session.
    const now = Date.now() / 1000
    expect(expiry('order-soon')).toBeGreaterThanOrEqual(Math.floor(now) + 30 * 60)
    expect(expiry('order-soon')).toBeLessThan(now + 32 * 60)
  })

  it('refunds a payment once per order, with an idempotency key, from the session or its PaymentIntent', async () => {
    const { stripe } = await provider()
    const session = await stripe.createCheckoutSession(request('order-r'))
    const first = await stripe.refund({
      orderId: 'order-r',
      sessionId: session.id,
      paymentIntent: 'pi_123',
    })
    expect(first.refundId).toMatch(/^re_/)
    const refunds = sent(/^\/v1\/refunds$/)
    expect(refunds.at(-1)?.headers['idempotency-key']).toBe('refund-order-r')
    expect(refunds.at(-1)?.form.get('payment_intent')).toBe('pi_123')
    // Without the PaymentIntent, it is read from the session first.
    await stripe.refund({ orderId: 'order-r2', sessionId: session.id })
    expect(sent(new RegExp(`^/v1/checkout/sessions/${session.id}$`))).toHaveLength(1)
    expect(sent(/^\/v1\/refunds$/).at(-1)?.headers['idempotency-key']).toBe('refund-order-r2')
  })

  it.each([
    ['500', 500, {}],
    ['503', 503, {}],
    ['429 Stripe marks retryable', 429, { 'stripe-should-retry': 'true' }],
  ])('retries a %s answer with the same idempotency key', async (_what, status, headers) => {
    const { stripe } = await provider()
    const before = sent(/^\/v1\/refunds$/).length
    proxy.failNext(2, status, headers)
    await expect(
      stripe.refund({ orderId: `order-${status}`, sessionId: 'cs_x', paymentIntent: 'pi_1' }),
    ).resolves.toMatchObject({ refundId: expect.stringMatching(/^re_/) })
    const tries = sent(/^\/v1\/refunds$/).slice(before)
    expect(tries).toHaveLength(3)
    expect(new Set(tries.map((t) => t.headers['idempotency-key']))).toEqual(
      new Set([`refund-order-${status}`]),
    )
  })

  it('waits out a rate limit (RetryLater, not a failure) and refunds with the same key after', async () => {
    const { stripe } = await provider()
    proxy.failNext(1, 429)
    const request = { orderId: 'order-limited', sessionId: 'cs_x', paymentIntent: 'pi_1' }
    await expect(stripe.refund(request)).rejects.toMatchObject({ name: 'RetryLater' })
    await expect(stripe.refund(request)).resolves.toMatchObject({ refundId: expect.any(String) })
    const tries = sent(/^\/v1\/refunds$/).filter(
      (r) => r.headers['idempotency-key'] === 'refund-order-limited',
    )
    expect(tries).toHaveLength(2)
  })

  it('expires the session of a cancelled order, and says when an order has none', async () => {
    const { stripe } = await provider()
    await stripe.createCheckoutSession(request('order-2'))
    expect(await stripe.expireCheckoutSession('order-2')).toBe('expired')
    expect(await stripe.expireCheckoutSession('order-unknown')).toBe('none')
  })
})
