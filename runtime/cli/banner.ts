/**
 * The startup banner `oms start` and `oms dev` print on stderr: where the API and gRPC are,
 * which adapters are in use, the values generated for this run (e.g. a webhook secret), and
 * the functions bound.
 */
import type { Runtime } from '../host.ts'
import { triggerOf } from '../model/define.ts'
import { formatTable } from './output.ts'

type BannerRuntime = Pick<Runtime, 'bound' | 'adapters' | 'functions' | 'config' | 'configuration'>

export function formatBanner(runtime: BannerRuntime): string {
  const { bound, adapters, functions, config, configuration } = runtime
  const count = `${functions.length} function${functions.length === 1 ? '' : 's'}`
  const lines = [`oms: ${count} up (pid ${process.pid})`]
  const grpcAuth = (c: typeof config) =>
    c.grpcHost === '127.0.0.1'
      ? ' (loopback only)'
      : c.tls
        ? ' (mutual TLS)'
        : c.internalToken
          ? ' (OMS_INTERNAL_TOKEN)'
          : ' (UNAUTHENTICATED: OMS_INSECURE_INTERNAL=true)'
  const field = (label: string, value: string) => lines.push(`  ${label.padEnd(10)}${value}`)

  if (bound.httpUrl) {
    field('API', bound.httpUrl)
    if (config.publicUrl !== bound.httpUrl)
      field('links', `${config.publicUrl} (PUBLIC_URL: base of the links handed out)`)
    if (config.dashboard) field('dashboard', `${bound.httpUrl}/_oms/`)
  } else {
    field('API', 'not served (no HTTP function hosted here)')
  }
  field(
    'gRPC',
    bound.grpcPort === undefined
      ? 'not served (no gRPC function hosted here)'
      : `${config.grpcHost}:${bound.grpcPort}${grpcAuth(config)}`,
  )
  if (bound.metricsUrl) {
    // On the API's port /metrics answers as the operator routes do; on its own port, anyone.
    const guarded = bound.metricsUrl === `${bound.httpUrl}/metrics`
    const who = config.opsLoopback ? 'this host, or ADMIN_TOKEN' : 'ADMIN_TOKEN'
    field('metrics', `${bound.metricsUrl}${guarded ? ` (${who})` : ''}`)
  }
  field(
    'bus',
    `${adapters.bus.kind}${config.busFile && !config.amqpUrl ? ` (kept in ${config.busFile})` : ''}`,
  )
  field(
    'store',
    `${adapters.store.kind}${config.storeFile && !config.mongodbUri ? ` (kept in ${config.storeFile})` : ''}`,
  )
  field('registry', adapters.registry.kind)
  for (const { env, value } of configuration.generated) {
    field('generated', `${env}=${value}`)
    lines.push(`  ${''.padEnd(10)}made for this run; set ${env} to keep a fixed value`)
  }
  lines.push('')
  const rows = functions.map((fn) => [fn.name, triggerOf(fn.def)])
  for (const row of formatTable(['FUNCTION', 'TRIGGER'], rows).split('\n')) lines.push(`  ${row}`)
  return `${lines.join('\n')}\n`
}
