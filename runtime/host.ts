/**
 * The runtime: hosts any set of functions in one process. It reads the configuration of the
 * runtime and of the hosted domains, prepares each domain's collections (and seeds them), gives
 * each function its context, and hands the functions to the binding of their trigger — gRPC,
 * HTTP, consumer, worker, schedule — which it starts and stops together.
 */
import { randomUUID } from 'node:crypto'
import type { Hono } from 'hono'
import { type Adapters, createAdapters } from './adapters/create-adapters.ts'
import { domainsOf } from './catalog.ts'
import { ConfigError } from './config/config-error.ts'
import { type Configuration, loadConfiguration } from './config/load-configuration.ts'
import type { Env } from './config/load-settings.ts'
import type { RuntimeConfig } from './config/runtime-settings.ts'
import { type ClientPool, createClients } from './grpc/clients.ts'
import { type GrpcBinding, prepareGrpc } from './grpc/grpc-binding.ts'
import { tlsCredentials } from './grpc/tls-credentials.ts'
import { createFunctionFetch } from './http/function-fetch.ts'
import { type HttpBinding, prepareHttp } from './http/http-binding.ts'
import { processLogger } from './log.ts'
import { countingPublishes } from './metrics/counting-bus.ts'
import { createMetrics } from './metrics/metrics.ts'
import { type Binding, type BindingDeps, type Hosted, ofKind } from './model/binding.ts'
import type { Context } from './model/context.ts'
import { createContext, openData } from './model/create-context.ts'
import type { LoadedFunction } from './model/define.ts'
import type { AnyDomain } from './model/domain.ts'
import { prepareOutbox } from './outbox/outbox-binding.ts'
import type { OutboxRelay } from './outbox/outbox-relay.ts'
import type { Logger } from './ports/logger.ts'
import type { Instance } from './ports/registry.ts'
import { prepareConsumers } from './queue/consumer-binding.ts'
import { HANDLED_EVENTS, RUNTIME_NAMESPACE } from './queue/handled-events.ts'
import { liveEvents } from './queue/live-events.ts'
import { queuesOf } from './queue/queues-of.ts'
import { prepareSchedules } from './schedule/schedule-binding.ts'
import { DEFAULT_KEPT_SPANS } from './telemetry/span-ring.ts'
import { startTelemetry } from './telemetry/telemetry.ts'
import { JOBS } from './worker/job-list.ts'
import { prepareWorkers } from './worker/worker-binding.ts'

export interface RuntimeOptions {
  functions: readonly LoadedFunction[]
  /** Where the configuration is read from (default: process.env). */
  env?: Env
  /** Adapters to use instead of those the config picks (shared between runtimes in tests). */
  adapters?: Adapters
  log?: Logger
  /** Bind network triggers and the bus (default true); false only prepares, for invoke. */
  listen?: boolean
}

export interface Runtime {
  readonly adapters: Adapters
  readonly config: RuntimeConfig
  readonly configuration: Configuration
  readonly functions: readonly LoadedFunction[]
  readonly domains: readonly AnyDomain[]
  /** The HTTP app of every hosted HTTP function (usable without a port: app.request). */
  readonly app: Hono
  /** Where things are bound, once started. */
  readonly bound: { httpUrl?: string; grpcPort?: number; metricsUrl?: string }
  start(): Promise<void>
  /** Graceful: stop taking work, finish what is in flight, deregister, close. */
  stop(): Promise<void>
  /** Runs one function once with an input, through its trigger's binding. */
  invoke(name: string, input: unknown): Promise<unknown>
  contextOf(name: string): Context
  /** The relay of the hosted domains' outboxes: `drain()` publishes what is stored now. */
  readonly outbox: Pick<OutboxRelay, 'drain'>
}

/** The collections each hosted domain declares, created (indexes) and seeded before serving. */
async function prepareData(
  domains: readonly AnyDomain[],
  functions: readonly LoadedFunction[],
  adapters: Adapters,
) {
  const { store } = adapters
  if (functions.some((fn) => fn.def.kind === 'consumer' || fn.def.kind === 'worker'))
    await store.prepare(RUNTIME_NAMESPACE, [HANDLED_EVENTS, JOBS])
  for (const domain of domains) {
    const spec = domain.spec.data
    if (!spec) continue
    await store.prepare(
      domain.name,
      Object.values(spec.collections).map((c) => c.spec),
    )
    await domain.spec.seed?.(openData(domain, store) as never)
  }
}

/**
 * A process other processes can reach serves the network (gRPC, forwarded HTTP): without a
 * credential (OMS_INTERNAL_TOKEN or mutual TLS) anyone there could call every method, so it
 * refuses to start — unless the user opts into that explicitly (OMS_INSECURE_INTERNAL=true),
 * which it then says. (`oms invoke`, which listens on nothing, is not concerned.)
 */
function checkInternalAuth(
  config: RuntimeConfig,
  functions: readonly LoadedFunction[],
  listen: boolean,
  log: Logger,
) {
  if (!listen || !config.reachable || config.internalToken) return
  // Mutual TLS covers gRPC; HTTP forwards (to a process's HTTP functions) carry the token.
  if (config.tls && !functions.some((fn) => fn.def.kind === 'http')) return
  if (config.tls && !config.insecureInternal)
    throw new ConfigError(
      'OMS_INTERNAL_TOKEN: mutual TLS covers gRPC, but HTTP forwarded between the processes is authenticated with OMS_INTERNAL_TOKEN: set it too (the same 32+ character secret in every process), or OMS_INSECURE_INTERNAL=true',
    )
  if (!config.insecureInternal)
    throw new ConfigError(
      'OMS_INTERNAL_TOKEN: other processes can reach this one (Consul or OMS_ADDRESSES), so the calls between them must be authenticated: set mutual TLS (OMS_TLS_CA, OMS_TLS_CERT, OMS_TLS_KEY; `oms certs` makes development ones), or OMS_INTERNAL_TOKEN to the same 32+ character secret in every process (e.g. `openssl rand -hex 32`), or OMS_INSECURE_INTERNAL=true to serve them unauthenticated',
    )
  log.warn(
    { host: config.grpcHost },
    'OMS_INSECURE_INTERNAL=true: internal gRPC calls are NOT authenticated; anyone who can reach this process can call every method',
  )
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { functions, listen = true } = options
  const domains = domainsOf(functions)
  const configuration = loadConfiguration(domains, options.env)
  const config = configuration.runtime
  const log = options.log ?? (await processLogger(config.logLevel, config.logFormat))
  // This runtime's own (several runtimes may share a process).
  const metrics = createMetrics()
  checkInternalAuth(config, functions, listen, log)
  const ownsAdapters = !options.adapters
  // Telemetry (which loads the OTLP exporter when exporting) starts while the adapters connect.
  const telemetryStarted = startTelemetry({
    exporting: Boolean(config.otlpEndpoint) && !config.tracingDisabled,
    disabled: config.tracingDisabled,
    protocol: config.otlpProtocol,
    sampler: config.sampler,
    spanBatch: config.spanBatch,
    // The dashboard lays out the recent spans.
    ...(config.dashboard && listen && { keepSpans: DEFAULT_KEPT_SPANS }),
  })
  // Only a process hosting a domain with data, or a consumer or worker (whose handled messages
  // and jobs are kept), connects a store.
  const keepsData =
    domains.some((d) => d.spec.data) ||
    functions.some((fn) => fn.def.kind === 'consumer' || fn.def.kind === 'worker')
  const [adapters, telemetry] = await Promise.all([
    options.adapters ?? createAdapters(config, log, { store: keepsData }),
    telemetryStarted,
  ])
  const { store, bus, registry } = adapters
  await prepareData(domains, functions, adapters)

  // Bindings are prepared below; in-process calls look them up when they are made.
  let grpc: GrpcBinding | undefined
  let http: HttpBinding | undefined
  const tls = config.tls && tlsCredentials(config.tls)
  const pool: ClientPool = createClients({
    registry,
    local: (name) => grpc?.invoker(name),
    internalToken: config.internalToken,
    ...(tls && { channelCredentials: tls.client }),
  })
  const fetchFunction = createFunctionFetch(
    registry,
    (name) => (http?.hosts(name) ? http.app : undefined),
    config.internalToken,
  )
  // What functions and the outbox publish is counted.
  const publishing = countingPublishes(bus, metrics)
  const outbox = prepareOutbox({
    domains,
    store,
    bus: publishing,
    log,
    pollMs: config.outboxPollMs,
  })
  // Without network bindings (`oms invoke`, unit tests) what invoked functions store is still
  // published on the bus.
  if (!listen) outbox.start()
  // Aborted once the process has stopped its work: `ctx.signal` of work outside any call.
  const stopped = new AbortController()
  // Live events, shared by the functions here; closed first at stop, so streams end.
  const live = liveEvents(bus, log)
  const hosted: Hosted[] = functions.map((fn) => {
    const tracer = telemetry.tracer(fn.domain)
    const ctx = createContext(fn, {
      storedEvents: outbox.wake,
      settings: configuration.domains.get(fn.domain) ?? {},
      publicUrl: config.publicUrl,
      log,
      store,
      bus: publishing,
      metrics,
      pool,
      tracer,
      fetchFunction,
      stopped: stopped.signal,
      live,
    })
    return { fn, ctx, tracer }
  })

  const instances: Instance[] = []
  const deps: BindingDeps = {
    config,
    log,
    adapters,
    metrics,
    ...(tls && { tls }),
    async register(fn, port, trigger) {
      const instance: Instance = {
        id: `${fn.name}-${randomUUID().slice(0, 8)}`,
        name: fn.name,
        host: config.advertiseHost,
        port,
        tags: [`domain:${fn.domain}`, `trigger:${trigger}`],
      }
      await registry.register(instance)
      instances.push(instance)
    },
  }
  // A process with no server of its own (a worker's) still serves gRPC health, to be probed.
  const serverless = !functions.some((fn) => fn.def.kind === 'grpc' || fn.def.kind === 'http')
  grpc = prepareGrpc(ofKind(hosted, 'grpc'), deps, { healthOnly: listen && serverless })
  // The local dashboard (OMS_DASHBOARD), served with the operator routes.
  const dashboard =
    listen && config.dashboard
      ? // Loaded only here: a process without it (every container) never loads its code.
        (await import('./dashboard/dashboard.ts')).dashboardRoutes({
          functions,
          config,
          settingsOf: (domain) => configuration.domains.get(domain) ?? {},
          bound: () => bound,
          routesOf: (name) => http?.routes(name) ?? [],
          busKind: bus.kind,
          bus,
          ...(telemetry.spans && { spans: telemetry.spans }),
        })
      : undefined
  http = prepareHttp(ofKind(hosted, 'http'), {
    ...deps,
    fetchFunction,
    listen,
    dashboard,
    // For the operator's `oms invoke --url` (called once everything is prepared).
    operator: {
      functions: functions.map((f) => f.name),
      invoke: (name, input) => {
        const fn = functions.find((f) => f.name === name)
        if (!fn) return Promise.reject(new Error(`function ${name} is not hosted here`))
        return byKind[fn.def.kind].invoke(name, input)
      },
    },
  })
  const consumers = prepareConsumers(ofKind(hosted, 'consumer'), deps)
  const workers = prepareWorkers(ofKind(hosted, 'worker'), deps)
  const schedules = prepareSchedules(ofKind(hosted, 'schedule'), deps)
  const byKind: Record<LoadedFunction['def']['kind'], Binding> = {
    grpc,
    http,
    consumer: consumers,
    worker: workers,
    schedule: schedules,
  }
  const bound: Runtime['bound'] = {}

  // Started in this order: servers before what calls them.
  const bindings: Binding[] = [grpc, http, consumers, workers, schedules]
  const servers: Binding[] = [grpc, http]

  /**
   * The servers open while the bus declares the queues of this process's consumers (a round
   * trip to the broker each): a call served meanwhile publishes as any call does (an exchange is
   * declared on its first publish). The consumers, workers and schedules start after both.
   */
  async function start() {
    if (!listen) return
    const opened = await Promise.allSettled([
      bus.declare(queuesOf(functions)),
      (async () => {
        for (const server of servers) await server.start()
      })(),
    ])
    for (const result of opened) if (result.status === 'rejected') throw result.reason
    for (const binding of bindings) if (!servers.includes(binding)) await binding.start()
    outbox.start()
    bound.grpcPort = grpc?.port
    bound.httpUrl = http?.url
    bound.metricsUrl = http?.metricsUrl
  }

  /**
   * Deregisters; then every binding at once stops its intake (the HTTP server and the gRPC
   * server take no new work, the queues are no longer consumed, no job is claimed, no run
   * planned) and lets its work in flight finish within SHUTDOWN_GRACE_MS, then gives up what
   * still runs (its calls' signals abort, and the store and the bus refuse its work) and waits
   * for it a moment; in-process gRPC calls keep working meanwhile. Only once no handler runs:
   * the outbox's last round, and the bus and the store close.
   */
  async function stop() {
    await Promise.allSettled(instances.splice(0).map((i) => registry.deregister(i.id)))
    // Live streams end as intake stops: their clients reconnect to a process that stays.
    await Promise.allSettled([live.close(), ...bindings.map((b) => b.stop())])
    stopped.abort()
    // Last: what the bindings wrote while finishing is published before the bus closes.
    await outbox.stop()
    pool.close()
    await telemetry.flush()
    if (ownsAdapters) {
      await Promise.allSettled([bus.close(), registry.close()])
      await store.close()
    }
  }

  const contextOf = (name: string): Context => {
    const found = hosted.find((h) => h.fn.name === name)
    if (!found) throw new Error(`function ${name} is not hosted here`)
    return found.ctx
  }

  return {
    adapters,
    config,
    configuration,
    functions,
    domains,
    app: http.app,
    bound,
    outbox: { drain: outbox.drain },
    start,
    stop,
    contextOf,
    invoke(name, input) {
      const fn = functions.find((f) => f.name === name)
      if (!fn) return Promise.reject(new Error(`function ${name} is not hosted here`))
      return byKind[fn.def.kind].invoke(name, input)
    },
  }
}
