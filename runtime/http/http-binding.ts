/**
 * The HTTP binding: every hosted HTTP function's routes in one Hono app on one server (with
 * the forwards to functions hosted elsewhere, /healthz and the operator routes), registered
 * where other processes find it. Each function's app is built once with its context and gets
 * SERVER spans. Every request gets an id and an access line, and is counted (observe-requests.ts);
 * `/metrics` is served with `/healthz`, and on a listener of its own where there is no HTTP
 * server or METRICS_PORT asks for one (metrics-listener.ts).
 */
import type { AddressInfo } from 'node:net'
import type { ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import {
  type Binding,
  type BindingDeps,
  type Hosted,
  hostedNamed,
  SETTLE_MS,
} from '../model/binding.ts'
import type { HttpFunction } from '../model/define.ts'
import { forwardRoutes } from './forward-routes.ts'
import type { FunctionFetch } from './function-fetch.ts'
import { healthRoute } from './health-route.ts'
import { internalOnlyRoutes } from './internal-only.ts'
import { type MetricsListener, startMetricsListener } from './metrics-listener.ts'
import { metricsRoute } from './metrics-route.ts'
import { observeRequests } from './observe-requests.ts'
import { type OpsInvokeOptions, opsInvokeRoutes } from './ops-invoke-routes.ts'
import { opsRoutes } from './ops-routes.ts'
import { callPerRequest } from './request-calls.ts'
import { createRootApp } from './root-app.ts'
import { tracedApp } from './traced-app.ts'

export interface HttpBinding extends Binding {
  /** The one app of every hosted HTTP function (usable without a port: app.request). */
  readonly app: Hono
  /** Whether this process serves the HTTP function. */
  hosts(name: string): boolean
  /** Where it listens, once started. */
  readonly url: string | undefined
  /** Where `/metrics` is served, once started. */
  readonly metricsUrl: string | undefined
  /** The routes a hosted HTTP function serves. */
  routes(name: string): readonly { method: string; path: string }[]
}

export interface HttpBindingDeps extends BindingDeps {
  fetchFunction: FunctionFetch
  /** Whether the process will listen (false: prepared for `oms invoke` only, no operator routes). */
  listen: boolean
  /** The local dashboard's routes (OMS_DASHBOARD), mounted with the operator routes. */
  dashboard?: Hono
  /** The process's functions, run once by the operator (`oms invoke --url`). */
  operator?: Pick<OpsInvokeOptions, 'functions' | 'invoke'>
}

interface InvokeRequest {
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: unknown
}

export function prepareHttp(
  hosted: readonly Hosted<HttpFunction>[],
  deps: HttpBindingDeps,
): HttpBinding {
  const { config, log, adapters } = deps
  // The server's module (which also loads Node's fetch implementation) is loaded only by a
  // process that serves HTTP, and starts loading now, while the rest is prepared.
  const nodeServer = deps.listen && hosted.length > 0 ? import('@hono/node-server') : undefined
  nodeServer?.catch(() => {}) // a failure surfaces in start()

  const names = new Set(hosted.map((h) => h.fn.name))
  const apps: Hono[] = hosted.map(({ fn, ctx, tracer }) =>
    tracedApp((fn.def.build as (ctx: unknown) => Hono)(ctx), tracer, fn.name),
  )
  const routes = new Map(
    hosted.map(({ fn }, i) => [
      fn.name,
      (apps[i]?.routes ?? []).map(({ method, path }) => ({ method, path })),
    ]),
  )
  for (const { fn } of hosted)
    if (fn.def.forwards)
      apps.push(forwardRoutes(fn.def.forwards, (n) => names.has(n), deps.fetchFunction))
  // A reachable process with the internal token that is not the front door (it forwards
  // nothing) is reached only by forwards: its routes answer only callers with the token.
  const internalOnly =
    config.reachable && config.internalToken !== undefined && !hosted.some((h) => h.fn.def.forwards)
  if (internalOnly) apps.unshift(internalOnlyRoutes(config.internalToken as string))
  if (apps.length > 0) apps.push(healthRoute({ store: adapters.store, bus: adapters.bus }))
  if (deps.listen && apps.length > 0)
    apps.push(
      metricsRoute(deps.metrics, {
        adminToken: config.adminToken,
        trustLoopback: config.opsLoopback,
      }),
    )
  if (deps.listen && apps.length > 0)
    apps.unshift(
      opsRoutes({
        bus: adapters.bus,
        adminToken: config.adminToken,
        trustLoopback: config.opsLoopback,
        dashboard: deps.dashboard,
      }),
      opsInvokeRoutes({
        functions: deps.operator?.functions ?? [],
        invoke: deps.operator?.invoke ?? (() => Promise.reject(new Error('not invocable'))),
        bus: adapters.bus,
        adminToken: config.adminToken,
        trustLoopback: config.opsLoopback,
      }),
    )
  const app = createRootApp(apps, log)
  // Inside the observation: shed and given-up requests get their access line and metrics.
  const requests = callPerRequest(app, {
    timeoutMs: config.requestTimeoutMs,
    maxInFlight: config.maxInFlight,
  })
  observeRequests(app, { log, metrics: deps.metrics })
  let server: ServerType | undefined
  let url: string | undefined
  let metricsListener: MetricsListener | undefined

  return {
    app,
    hosts: (name) => names.has(name),
    routes: (name) => routes.get(name) ?? [],
    get url() {
      return url
    },
    get metricsUrl() {
      return metricsListener?.url ?? (url && `${url}/metrics`)
    },
    async start() {
      // Without an HTTP server of its own (or when asked), /metrics gets a listener of its own.
      if (deps.listen && (hosted.length === 0 || config.metricsPort !== undefined))
        metricsListener = await startMetricsListener({
          host: config.metricsPort === undefined ? '127.0.0.1' : config.host,
          port: config.metricsPort ?? 0,
          metrics: deps.metrics,
          log,
          health: { store: adapters.store, bus: adapters.bus },
        })
      if (hosted.length === 0) return
      const { serve } = await (nodeServer ?? import('@hono/node-server'))
      const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host })
      server = started
      const port = await new Promise<number>((resolve, reject) => {
        started.once('error', reject)
        started.once('listening', () => resolve((started.address() as AddressInfo).port))
      })
      url = `http://localhost:${port}`
      for (const { fn } of hosted) await deps.register(fn, port, 'http')
    },
    async stop() {
      requests.stopIntake()
      await metricsListener?.stop()
      if (!server) return
      const closing = server as ServerType & {
        closeIdleConnections?: () => void
        closeAllConnections?: () => void
      }
      const closed = new Promise<void>((resolve) => closing.close(() => resolve()))
      closing.closeIdleConnections?.()
      // What is in flight finishes within the grace; then it is given up (answered 503).
      if (!(await requests.calls.drained(config.shutdownGraceMs))) {
        requests.calls.abortAll('stopping')
        await requests.calls.drained(SETTLE_MS)
      }
      closing.closeIdleConnections?.()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        closed,
        new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_MS))),
      ])
      clearTimeout(timer)
      closing.closeAllConnections?.()
    },
    async invoke(name, input) {
      hostedNamed(hosted, name)
      const req = (input ?? {}) as InvokeRequest
      const body =
        req.body === undefined || req.body === null
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
    },
  }
}
