/** The payments domain's settings: the Stripe account, or the local checkout when unset. */
import { randomBytes } from 'node:crypto'
import * as z from 'zod'
import { url } from '../../runtime/config/schemas.ts'
import { setting } from '../../runtime/config/setting.ts'

export const paymentsSettings = {
  secretKey: setting(
    'STRIPE_SECRET_KEY',
    z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'must look like sk_test_... or sk_live_...'),
    {
      secret: true,
      set: 'Stripe API (`STRIPE_API_BASE` may point it at a local Stripe API server)',
      unset:
        'local checkout: the payment link opens a page served by the gateway whose Pay button delivers a correctly signed webhook to the webhook function',
    },
  ),
  apiBase: setting('STRIPE_API_BASE', url(['http:', 'https:']), {
    set: 'where the Stripe API is reached, e.g. a local Stripe API server',
    unset: "Stripe's API",
  }),
  webhookSecret: setting(
    'STRIPE_WEBHOOK_SECRET',
    z.string().regex(/^whsec_\w+$/, 'must look like whsec_...'),
    {
      secret: true,
      generate: () => `whsec_${randomBytes(24).toString('hex')}`,
      set: 'verifies webhooks (required with `STRIPE_SECRET_KEY`)',
      unset: 'a generated secret, printed at start',
    },
  ),
}
