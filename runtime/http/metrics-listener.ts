/**
 * A listener of the process's own for `/metrics` and `/healthz`, open to whoever reaches it:
 * on HOST:METRICS_PORT when set (scraped on the private network), else — in a process with no
 * HTTP functions, which has no HTTP server to serve them on — on a free loopback port.
 */
import type { AddressInfo } from 'node:net'
import type { Metrics } from '../metrics/metrics.ts'
import type { Bus } from '../ports/bus.ts'
import type { DocumentStore } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import { healthRoute } from './health-route.ts'
import { METRICS_PATH, metricsRoute } from './metrics-route.ts'
import { observeRequests } from './observe-requests.ts'
import { createRootApp } from './root-app.ts'

export interface MetricsListener {
  /** Where `/metrics` is served. */
  readonly url: string
  stop(): Promise<void>
}

export async function startMetricsListener(options: {
  host: string
  port: number
  metrics: Metrics
  log: Logger
  health: { store: DocumentStore; bus: Bus }
}): Promise<MetricsListener> {
  const { host, port, metrics, log } = options
  const app = createRootApp([metricsRoute(metrics), healthRoute(options.health)], log)
  observeRequests(app, { log, metrics })
  const { serve } = await import('@hono/node-server')
  const server = serve({ fetch: app.fetch, port, hostname: host })
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `cannot listen on ${host}:${port} for metrics: the address is in use (set METRICS_PORT to another port)`,
            )
          : err,
      ),
    )
    server.once('listening', () => resolve((server.address() as AddressInfo).port))
  })
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
  return {
    url: `http://${shown}:${bound}${METRICS_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as { closeIdleConnections?: () => void }).closeIdleConnections?.()
      }),
  }
}
