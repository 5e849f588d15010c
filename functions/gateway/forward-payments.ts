// Trigger: HTTP POST /api/payments/webhook and the local checkout's /checkout/:id routes — when
// payments runs in another process, the gateway passes them on (raw body and Stripe-Signature
// untouched), so the gateway alone serves the whole public surface.
import { gateway } from './domain.ts'

export default gateway.forward({
  'POST /api/payments/webhook': 'payments.stripe-webhook',
  'GET /checkout/:id': 'payments.local-checkout',
  'POST /checkout/:id/pay': 'payments.local-checkout',
  'POST /checkout/:id/cancel': 'payments.local-checkout',
})
