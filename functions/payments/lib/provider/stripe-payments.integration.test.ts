/**
 * The Stripe adapter through the real Stripe client against stripe-mock (Stripe's API mock,
 * which checks every request against Stripe's OpenAPI description): a checkout session is
 * created once per order and its id kept, and a cancelled order's session is expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryDocuments } from '../../../../runtime/adapters/documents/memory/memory-documents.ts'
import { preparedDataOf } from '../../../../test/fixtures.ts'
import {
  type StripeMock,
  startStripeMock,
  stripeMockUnavailable,
} from '../../../../test/servers/stripe-mock.ts'
import { payments } from '../../domain.ts'
import { stripePayments } from './stripe-payments.ts'

describe.skipIf(stripeMockUnavailable())('Stripe payments against stripe-mock', () => {
  let mock: StripeMock
  beforeAll(async () => {
    mock = await startStripeMock()
  }, 30_000)
  afterAll(() => mock?.close())

  async function provider() {
    const data = await preparedDataOf(payments, memoryDocuments())
    const stripe = stripePayments({
      secretKey: 'sk_test_123',
      webhookSecret: 'whsec_test',
      apiBase: mock.url,
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
    })
  })

  it('expires the session of a cancelled order, and says when an order has none', async () => {
    const { stripe } = await provider()
    await stripe.createCheckoutSession(request('order-2'))
    expect(await stripe.expireCheckoutSession('order-2')).toBe('expired')
    expect(await stripe.expireCheckoutSession('order-unknown')).toBe('none')
  })
})
