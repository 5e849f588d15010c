/**
 * A listener of the process's own for `/metrics` and `/healthz`, open to whoever reaches it:
 * on HOST:METRICS_PORT when set (scraped on the private network), else — in a process with no
 * HTTP functions, which has no HTTP server to serve them on — on a free loopback port.
 *
 * Served by Node's HTTP server itself, not through Hono: Hono's requests and answers are web
 * `Request`s and `Response`s, and loading their implementation (Node's copy of undici) took
 * 20–50 ms of the start of a process that has no HTTP functions otherwise. The answers are the
 * same as on the HTTP port: the metrics' text, the health JSON, the JSON error of any other
 * request, with `x-request-id`; each is counted and has its access line (at debug level, as
 * probes' and scrapers' lines are).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { DomainError } from '../../shared/errors.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Bus } from '../ports/bus.ts'
import type { DocumentStore } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import { checkHealth, HEALTH_PATH } from './health-route.ts'
import { METRICS_PATH } from './metrics-route.ts'
import { UNMATCHED } from './observe-requests.ts'
import { REQUEST_ID_HEADER, requestIdFrom } from './request-scope.ts'

export interface MetricsListener {
  /** Where `/metrics` is served. */
  readonly url: string
  stop(): Promise<void>
}

interface ListenerDeps {
  metrics: Metrics
  log: Logger
  health: { store: DocumentStore; bus: Bus }
}

interface Answer {
  route: string
  status: number
  contentType: string
  body: string
}

const JSON_TYPE = 'application/json'

/** The answer to one request: GET /metrics, GET /healthz, or the JSON 404 of any other. */
async function answerTo(method: string, path: string, deps: ListenerDeps): Promise<Answer> {
  if (method === 'GET' && path === METRICS_PATH)
    return {
      route: METRICS_PATH,
      status: 200,
      contentType: deps.metrics.contentType,
      body: await deps.metrics.text(),
    }
  if (method === 'GET' && path === HEALTH_PATH) {
    const { status, body } = await checkHealth(deps.health)
    return { route: HEALTH_PATH, status, contentType: JSON_TYPE, body: JSON.stringify(body) }
  }
  const err = new DomainError('NOT_FOUND', `no route for ${method} ${path}`)
  return {
    route: UNMATCHED,
    status: err.httpStatus,
    contentType: JSON_TYPE,
    body: JSON.stringify(err.toJSON()),
  }
}

function serveOne(req: IncomingMessage, res: ServerResponse, deps: ListenerDeps): void {
  const started = performance.now()
  const method = req.method ?? 'GET'
  const path = (req.url ?? '/').split('?')[0] ?? '/'
  const given = req.headers[REQUEST_ID_HEADER]
  const requestId = requestIdFrom(Array.isArray(given) ? given[0] : given)
  void answerTo(method, path, deps)
    .catch((err: unknown) => {
      deps.log.error({ err, requestId }, `${method} ${path} failed`)
      const error = new DomainError('INTERNAL', 'the answer could not be made')
      return {
        route: UNMATCHED,
        status: error.httpStatus,
        contentType: JSON_TYPE,
        body: JSON.stringify(error.toJSON()),
      }
    })
    .then(({ route, status, contentType, body }) => {
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
        [REQUEST_ID_HEADER]: requestId,
      })
      res.end(body)
      const seconds = (performance.now() - started) / 1000
      deps.metrics.httpRequest(method, route, status, seconds)
      const ms = Math.round(seconds * 10_000) / 10
      deps.log.debug(
        { requestId, method, route, path, status, ms },
        `${method} ${route} ${status} ${ms} ms`,
      )
    })
}

export async function startMetricsListener(
  options: { host: string; port: number } & ListenerDeps,
): Promise<MetricsListener> {
  const { host, port } = options
  const server = createServer((req, res) => serveOne(req, res, options))
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
    server.listen(port, host)
  })
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
  return {
    url: `http://${shown}:${bound}${METRICS_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }),
  }
}
