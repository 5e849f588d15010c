// Trigger: HTTP POST /api/payments/webhook — when payments runs in another process, the gateway
// passes Stripe's webhook (raw body and signature untouched) on to payments.stripe-webhook.
import { forward } from '../../runtime/model/define.ts'

export default forward({ 'POST /api/payments/webhook': 'payments.stripe-webhook' })
