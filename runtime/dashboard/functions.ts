/**
 * The hosted functions as the dashboard lists them: each one's trigger and where this process
 * bound it — HTTP routes and the address, the gRPC method and port, the queue a consumer reads
 * and its retries, a worker's event and concurrency, a schedule's period.
 */
import type { RuntimeConfig } from '../config/runtime-settings.ts'
import { type LoadedFunction, triggerOf } from '../model/define.ts'
import { rpcMethodOf } from '../model/grpc-service.ts'
import { DEFAULT_CONCURRENCY } from '../worker/job-runner.ts'

export interface FunctionView {
  name: string
  domain: string
  kind: LoadedFunction['def']['kind']
  /** As `oms ls` says it: `http`, `grpc Service.Method`, `consumer <event>`, ... */
  trigger: string
  /** The event a consumer or worker reads. */
  event?: string
  /** What triggers it, in short: its routes, its method, its event, its period. */
  summary: string
  /** Where it is bound here, one line each. */
  bound: string[]
}

export interface FunctionsSource {
  functions: readonly LoadedFunction[]
  config: RuntimeConfig
  /** The domain's settings (a worker's concurrency or a schedule's period may depend on them). */
  settingsOf(domain: string): unknown
  bound(): { httpUrl?: string; grpcPort?: number }
  /** The routes an HTTP function serves. */
  routesOf(name: string): readonly { method: string; path: string }[]
  busKind: string
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

const resolved = (value: number | ((settings: never) => number), settings: unknown) =>
  typeof value === 'function' ? value(settings as never) : value

export function describeFunctions(source: FunctionsSource): FunctionView[] {
  const { config } = source
  const bound = source.bound()
  const queueName = (fn: string) =>
    source.busKind === 'rabbitmq' ? `${config.amqpNamespace}.${fn}` : fn
  const describe = (fn: LoadedFunction): FunctionView => {
    const { def } = fn
    const view = { name: fn.name, domain: fn.domain, kind: def.kind, trigger: triggerOf(def) }
    const settings = source.settingsOf(fn.domain)
    switch (def.kind) {
      case 'http': {
        // Middleware (`app.use`: every method, a wildcard path) is no route of its own.
        const lines = source
          .routesOf(fn.name)
          .filter((r) => !(r.method === 'ALL' && r.path.endsWith('*')))
          .map((r) => `${r.method} ${r.path}`)
        for (const [route, target] of Object.entries(def.forwards ?? {}))
          lines.push(`${route} → ${target}, when that is hosted elsewhere`)
        const routes = lines.length
        if (bound.httpUrl) lines.push(`at ${bound.httpUrl}`)
        return { ...view, summary: `${routes} route${routes === 1 ? '' : 's'}`, bound: lines }
      }
      case 'grpc': {
        const rpc = `${def.service.name}/${rpcMethodOf(def.service, def.method)}`
        const at =
          bound.grpcPort === undefined
            ? 'not served (not started)'
            : `on ${config.grpcHost}:${bound.grpcPort}`
        return { ...view, summary: rpc.split('.').pop() ?? rpc, bound: [rpc, at] }
      }
      case 'consumer': {
        const delays = def.options.retryDelaysMs ?? config.retryDelaysMs
        const prefetch = def.options.prefetch ?? config.prefetch
        return {
          ...view,
          event: def.topic.name,
          summary: def.topic.name,
          bound: [
            `queue ${queueName(fn.name)} on the ${source.busKind} bus`,
            `${prefetch} at once; retries after ${delays.map(seconds).join(', ') || 'none'}, then parked`,
          ],
        }
      }
      case 'worker': {
        const concurrency = resolved(def.options.concurrency ?? DEFAULT_CONCURRENCY, settings)
        return {
          ...view,
          event: def.options.on.name,
          summary: def.options.on.name,
          bound: [
            `queue ${queueName(fn.name)} on the ${source.busKind} bus, into its job list`,
            `${concurrency} job${concurrency === 1 ? '' : 's'} at once`,
          ],
        }
      }
      case 'schedule': {
        const every = `every ${seconds(resolved(def.options.every, settings))}`
        return {
          ...view,
          summary: every,
          bound: [every, 'runs in this process, one run at a time'],
        }
      }
    }
  }
  return source.functions.map(describe)
}
