/**
 * The startup banner `oms start` and `oms dev` print on stderr: where the API and gRPC are,
 * which adapters are in use, the generated webhook secret if any, and the functions bound.
 */
import type { AppConfig } from '../config.ts'
import type { Runtime } from '../host.ts'
import { triggerOf } from '../model/define.ts'
import { formatTable } from './output.ts'

type BannerRuntime = Pick<Runtime, 'bound' | 'adapters' | 'functions'>

export function formatBanner(runtime: BannerRuntime, config: AppConfig): string {
  const { bound, adapters, functions } = runtime
  const count = `${functions.length} function${functions.length === 1 ? '' : 's'}`
  const lines = [`oms: ${count} up (pid ${process.pid})`]
  const field = (label: string, value: string) => lines.push(`  ${label.padEnd(10)}${value}`)

  if (bound.httpUrl) {
    field('API', bound.httpUrl)
    if (config.publicUrl !== bound.httpUrl)
      field('links', `${config.publicUrl} (PUBLIC_URL: base of payment links)`)
  } else {
    field('API', 'not served (no HTTP function hosted here)')
  }
  field(
    'gRPC',
    bound.grpcPort === undefined
      ? 'not served (no gRPC function hosted here)'
      : `port ${bound.grpcPort}`,
  )
  field('bus', adapters.bus.kind)
  field('store', adapters.store.kind)
  field('registry', adapters.registry.kind)
  field('payments', adapters.payments.kind)
  if (config.stripe.webhookSecretGenerated) {
    field('webhook', `${config.stripe.webhookSecret}`)
    lines.push(
      `  ${''.padEnd(10)}generated for this run; set STRIPE_WEBHOOK_SECRET=whsec_... to keep a fixed secret`,
    )
  }
  lines.push('')
  const rows = functions.map((fn) => [fn.name, triggerOf(fn.def)])
  for (const row of formatTable(['FUNCTION', 'TRIGGER'], rows).split('\n')) lines.push(`  ${row}`)
  return `${lines.join('\n')}\n`
}
