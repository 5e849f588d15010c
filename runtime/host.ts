/**
 * The runtime: hosts any set of functions in one process, gives each its context of
 * ports, and binds each to its trigger — HTTP routes on one server, gRPC methods on one
 * server, consumers and workers on the bus — registering what it serves in the registry.
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import { type Adapters, createAdapters } from './adapters/create-adapters.ts'
import type { AppConfig } from './config.ts'
import { type ClientPool, createClients, type LocalInvoker } from './grpc/clients.ts'
import { type GrpcServer, startGrpcServer } from './grpc/server.ts'
import { rpcMethodOf, SERVICES } from './grpc/services.ts'
import { forwardRoutes } from './http/forward-routes.ts'
import { createFunctionFetch } from './http/function-fetch.ts'
import { healthRoute } from './http/health-route.ts'
import { opsRoutes } from './http/ops-routes.ts'
import { createRootApp } from './http/root-app.ts'
import { tracedApp } from './http/traced-app.ts'
import { createLogger } from './log.ts'
import type { Context } from './model/context.ts'
import { createContext } from './model/create-context.ts'
import type { LoadedFunction } from './model/define.ts'
import type { Subscription } from './ports/bus.ts'
import type { Logger } from './ports/logger.ts'
import type { Instance } from './ports/registry.ts'
import { bindConsumer } from './queue/bind-consumer.ts'
import { parseEvent } from './queue/parse-event.ts'
import { queuesOf } from './queue/queues-of.ts'
import { inSpan, SpanKind } from './telemetry/spans.ts'
import { startTelemetry } from './telemetry/telemetry.ts'
import { type JobRunner, startJobRunner } from './worker/job-runner.ts'

export interface RuntimeOptions {
  config: AppConfig
  functions: readonly LoadedFunction[]
  /** Adapters to use instead of those the config picks (shared between runtimes in tests). */
  adapters?: Adapters
  log?: Logger
  /** Bind network triggers and the bus (default true); false only builds contexts, for invoke. */
  listen?: boolean
}

export interface Runtime {
  readonly adapters: Adapters
  readonly functions: readonly LoadedFunction[]
  /** The HTTP app of every hosted HTTP function (usable without a port: app.request). */
  readonly app: Hono
  /** Where things are bound, once started. */
  readonly bound: { httpUrl?: string; grpcPort?: number }
  start(): Promise<void>
  /** Graceful: stop taking work, finish what is in flight, deregister, close. */
  stop(): Promise<void>
  /** Runs one function once with an input, as its trigger would. */
  invoke(name: string, input: unknown): Promise<unknown>
  contextOf(name: string): Context
}

export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, functions, listen = true } = options
  const log = options.log ?? createLogger(config.logLevel)
  const ownsAdapters = !options.adapters
  // The HTTP server's module is loaded only by a process that serves HTTP (it also loads Node's
  // fetch implementation), and starts loading now, while the adapters connect.
  const nodeServer =
    listen && functions.some((fn) => fn.def.kind === 'http')
      ? import('@hono/node-server')
      : undefined
  nodeServer?.catch(() => {}) // a failure surfaces in start()
  // Telemetry (which loads the OTLP exporter when exporting) starts while the adapters connect.
  const telemetryStarted = startTelemetry({
    exporting: Boolean(config.otlpEndpoint) && !config.tracingDisabled,
    disabled: config.tracingDisabled,
    protocol: config.otlpProtocol,
    sampler: config.sampler,
    spanBatch: config.spanBatch,
  })
  const [adapters, telemetry] = await Promise.all([
    options.adapters ?? createAdapters(config, log),
    telemetryStarted,
  ])
  const { store, bus, registry } = adapters

  const grpcInvokers = new Map<string, LocalInvoker>()
  const pool: ClientPool = createClients({ registry, local: (name) => grpcInvokers.get(name) })
  const builtApps = new Map<string, Hono>()
  // `app` is assigned below, before any request can reach a function.
  const fetchFunction = createFunctionFetch(registry, (name) =>
    builtApps.has(name) ? app : undefined,
  )
  const tracerOf = (fn: LoadedFunction) => telemetry.tracer(fn.domain)
  const contexts = new Map<string, Context>()
  for (const fn of functions) {
    contexts.set(
      fn.name,
      createContext(fn, { config, log, adapters, pool, tracer: tracerOf(fn), fetchFunction }),
    )
  }
  const contextOf = (name: string): Context => {
    const ctx = contexts.get(name)
    if (!ctx) throw new Error(`function ${name} is not hosted here`)
    return ctx
  }

  for (const fn of functions) {
    if (fn.def.kind !== 'grpc') continue
    const { def } = fn
    const ctx = contextOf(fn.name)
    const handler = def.handler as (request: unknown, ctx: Context) => Promise<unknown>
    const serviceName = SERVICES[def.service].serviceName
    const rpcMethod = rpcMethodOf(def.service, def.method)
    const tracer = tracerOf(fn)
    const spanName = `${serviceName}/${rpcMethod}`
    const attributes = {
      'rpc.system': 'grpc',
      'rpc.service': serviceName,
      'rpc.method': rpcMethod,
      'faas.name': fn.name,
    }
    // In process or over the wire, the handler runs in a SERVER span (child of the caller's).
    const spec = { kind: SpanKind.SERVER, attributes }
    grpcInvokers.set(fn.name, (request) =>
      inSpan(tracer, spanName, spec, () => handler(request, ctx)),
    )
  }

  for (const fn of functions)
    if (fn.def.kind === 'http')
      builtApps.set(fn.name, tracedApp(fn.def.build(contextOf(fn.name)), tracerOf(fn), fn.name))
  const httpApps = [...builtApps.values()]
  for (const fn of functions) {
    if (fn.def.kind === 'http' && fn.def.forwards) {
      httpApps.push(forwardRoutes(fn.def.forwards, (name) => builtApps.has(name), fetchFunction))
    }
  }
  if (httpApps.length > 0) httpApps.push(healthRoute({ store, bus }))
  if (listen && httpApps.length > 0)
    httpApps.unshift(opsRoutes({ bus, adminToken: config.adminToken }))
  const app = createRootApp(httpApps, log)

  const bound: Runtime['bound'] = {}
  const instances: Instance[] = []
  const subscriptions: Subscription[] = []
  const runners: JobRunner[] = []
  let grpcServer: GrpcServer | undefined
  let httpServer: ServerType | undefined

  const register = async (fn: LoadedFunction, port: number, trigger: string) => {
    const instance: Instance = {
      id: `${fn.name}-${randomUUID().slice(0, 8)}`,
      name: fn.name,
      host: config.advertiseHost,
      port,
      tags: [`domain:${fn.domain}`, `trigger:${trigger}`],
    }
    await registry.register(instance)
    instances.push(instance)
  }

  async function start() {
    if (!listen) return
    await bus.declare(queuesOf(functions))
    const grpcFns = functions.filter((fn) => fn.def.kind === 'grpc')
    if (grpcFns.length > 0) {
      grpcServer = await startGrpcServer(
        grpcFns.map((fn) => {
          const def = fn.def as Extract<LoadedFunction['def'], { kind: 'grpc' }>
          return {
            service: def.service,
            method: def.method,
            invoke: grpcInvokers.get(fn.name) as LocalInvoker,
          }
        }),
        { host: config.host, port: config.grpcPort },
        log,
      )
      bound.grpcPort = grpcServer.port
      for (const fn of grpcFns) await register(fn, grpcServer.port, 'grpc')
    }
    const httpFns = functions.filter((fn) => fn.def.kind === 'http')
    if (httpFns.length > 0) {
      const { serve } = await (nodeServer ?? import('@hono/node-server'))
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host })
      httpServer = server
      const port = await new Promise<number>((resolve, reject) => {
        server.once('error', reject)
        server.once('listening', () => resolve((server.address() as AddressInfo).port))
      })
      bound.httpUrl = `http://localhost:${port}`
      for (const fn of httpFns) await register(fn, port, 'http')
    }
    for (const fn of functions) {
      if (fn.def.kind === 'consumer')
        subscriptions.push(await bindConsumer(fn.def, contextOf(fn.name), bus, tracerOf(fn)))
      if (fn.def.kind === 'worker')
        runners.push(await startJobRunner(fn.def, contextOf(fn.name), bus, store, tracerOf(fn)))
    }
  }

  async function stop() {
    await Promise.allSettled(instances.map((i) => registry.deregister(i.id)))
    const closing = httpServer
      ? new Promise<void>((resolve) => {
          httpServer?.close(() => resolve())
          ;(httpServer as { closeIdleConnections?: () => void }).closeIdleConnections?.()
        })
      : Promise.resolve()
    await Promise.allSettled([
      closing,
      ...subscriptions.map((s) => s.close()),
      ...runners.map((r) => r.stop()),
    ])
    await grpcServer?.stop()
    pool.close()
    await telemetry.flush()
    if (ownsAdapters) {
      await Promise.allSettled([bus.close(), registry.close()])
      await store.close()
    }
  }

  async function invoke(name: string, input: unknown): Promise<unknown> {
    const fn = functions.find((f) => f.name === name)
    if (!fn) throw new Error(`function ${name} is not hosted here`)
    const ctx = contextOf(name)
    const message = { id: `invoke-${randomUUID()}`, attempt: 1, headers: {} }
    switch (fn.def.kind) {
      case 'grpc':
        return (grpcInvokers.get(name) as LocalInvoker)(input)
      case 'consumer':
        await fn.def.handler(parseEvent(fn.def.event, JSON.stringify(input)), { ...ctx, message })
        return { ok: true }
      case 'worker':
        await fn.def.handler(parseEvent(fn.def.options.on, JSON.stringify(input)), {
          ...ctx,
          job: { id: message.id, attempt: 1 },
          signal: new AbortController().signal,
        })
        return { ok: true }
      case 'http': {
        const req = (input ?? {}) as {
          method?: string
          path?: string
          headers?: Record<string, string>
          body?: unknown
        }
        const body =
          req.body === undefined
            ? undefined
            : typeof req.body === 'string'
              ? req.body
              : JSON.stringify(req.body)
        const res = await app.request(req.path ?? '/', {
          method: req.method ?? 'GET',
          headers: req.headers,
          body,
        })
        const text = await res.text()
        let json: unknown = text
        try {
          json = JSON.parse(text)
        } catch {}
        return { status: res.status, body: json }
      }
    }
  }

  return { adapters, functions, app, bound, start, stop, invoke, contextOf }
}
