/**
 * The payments domain: a checkout per order (Stripe Checkout, or the local stand-in), and the
 * webhook that turns its outcome into order.paid / order.cancelled.
 */
import { domain } from '../../runtime/model/domain.ts'
import { orderService } from '../../shared/services.ts'
import { paymentsData } from './data.ts'
import { paymentsSettings } from './settings.ts'

export const payments = domain('payments', {
  settings: paymentsSettings,
  checkSettings: (values, isSet) =>
    values.secretKey && !isSet('webhookSecret')
      ? {
          env: 'STRIPE_WEBHOOK_SECRET',
          message: 'required when STRIPE_SECRET_KEY is set (Stripe signs webhooks with it)',
        }
      : undefined,
  data: paymentsData,
  clients: { orders: orderService },
})
