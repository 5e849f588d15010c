/**
 * The payment provider of a payments function: Stripe when STRIPE_SECRET_KEY is set, else the
 * local checkout over the domain's own sessions. Its calls are spans of the function (the
 * Stripe API call a CLIENT span). Stripe's API client is loaded only when it is used.
 */
import type { ContextOf } from '../../../runtime/model/domain.ts'
import type { payments } from '../domain.ts'
import { localPayments } from './provider/local-payments.ts'
import type { Payments } from './provider/provider.ts'

type PaymentsContext = ContextOf<typeof payments>

const providers = new WeakMap<object, Promise<Payments>>()

async function create(ctx: PaymentsContext): Promise<Payments> {
  const { secretKey, apiBase, webhookSecret } = ctx.settings
  const provider = secretKey
    ? (await import('./provider/stripe-payments.ts')).stripePayments({
        secretKey,
        webhookSecret,
        apiBase,
        sessions: ctx.data.stripeSessions,
      })
    : localPayments({ publicUrl: ctx.publicUrl, webhookSecret, sessions: ctx.data.sessions })
  const attributes = { 'payments.provider': provider.kind }
  return {
    kind: provider.kind,
    local: provider.local,
    createCheckoutSession: (request) =>
      ctx.trace.span('payments checkout.sessions.create', { kind: 'client', attributes }, () =>
        provider.createCheckoutSession(request),
      ),
    expireCheckoutSession: (orderId) =>
      ctx.trace.span('payments checkout.sessions.expire', { kind: 'client', attributes }, () =>
        provider.expireCheckoutSession(orderId),
      ),
    sessionOf: (orderId) => provider.sessionOf(orderId),
    refund: (request) =>
      ctx.trace.span('payments refunds.create', { kind: 'client', attributes }, () =>
        provider.refund(request),
      ),
    verifyWebhook: (rawBody, signature) =>
      ctx.trace.span('payments webhook.verify', { attributes }, () =>
        provider.verifyWebhook(rawBody, signature),
      ),
  }
}

/** The provider for this function (made once per function). */
export function paymentsOf(ctx: PaymentsContext): Promise<Payments> {
  // Keyed by the function's repository, which every copy of its context shares.
  const key = ctx.data as object
  let provider = providers.get(key)
  if (!provider) {
    provider = create(ctx)
    providers.set(key, provider)
    provider.catch(() => providers.delete(key))
  }
  return provider
}
