/**
 * A runtime's Prometheus metrics: one registry per runtime (tests host several runtimes in one
 * process), with what every binding counts — HTTP requests, gRPC calls, bus messages, worker
 * jobs, store operations — and the process's default metrics beside them when scraped. Each
 * label combination's series is looked up once and kept, so recording costs a map lookup.
 */
import type {
  Counter as CounterType,
  Gauge as GaugeType,
  Registry as RegistryType,
} from 'prom-client'
import { Counter, Gauge, Histogram, processRegistry, Registry } from './prom.ts'

/** Seconds: from a tenth of a millisecond (an in-memory call) to ten seconds. */
const SECONDS = [
  0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]
/** Seconds a background job may take: up to ten minutes. */
const JOB_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

/** How a delivery ended for its consumer. */
export type ConsumeOutcome = 'ok' | 'duplicate' | 'transient' | 'failed'
/** How a job's run ended. */
export type JobOutcome = 'done' | 'deferred' | 'failed'

export interface Metrics {
  readonly registry: RegistryType
  /** The exposition text: this runtime's metrics and the process's default ones. */
  text(): Promise<string>
  readonly contentType: string
  /** One HTTP request answered. */
  httpRequest(method: string, route: string, status: number, seconds: number): void
  /** One gRPC call served (in process or over the wire), by its status code name. */
  grpcCall(method: string, code: string, seconds: number): void
  published(event: string): void
  publishFailed(event: string): void
  consumed(
    consumer: string,
    event: string,
    attempt: number,
    outcome: ConsumeOutcome,
    seconds: number,
  ): void
  parked(consumer: string, event: string): void
  /** A job starts running; call the returned function when it ends. */
  jobStarted(fn: string): (outcome: JobOutcome) => void
  /** One store operation, by namespace, collection and operation. */
  storeOperation(
    namespace: string,
    collection: string,
    operation: string,
    ok: boolean,
    seconds: number,
  ): void
}

/** Label values → the series they name, made once. */
function series<A extends string[], T>(make: (...labels: A) => T): (...labels: A) => T {
  const made = new Map<string, T>()
  return (...labels: A) => {
    const key = labels.join('\u0000')
    let found = made.get(key)
    if (found === undefined) {
      found = make(...labels)
      made.set(key, found)
    }
    return found
  }
}

/** Methods named as they are; anything else is `OTHER` (label values must stay few). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export function createMetrics(): Metrics {
  const registry = new Registry()
  const registers = [registry]
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers })
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    buckets = SECONDS,
  ) => new Histogram<L>({ name, help, labelNames, buckets, registers })

  const httpTotal = counter('oms_http_requests_total', 'HTTP requests answered', [
    'method',
    'route',
    'status',
  ])
  const httpSeconds = histogram(
    'oms_http_request_duration_seconds',
    'Time to answer an HTTP request (until the response is ready), by route',
    ['method', 'route', 'status'],
  )
  const http = series((method: string, route: string, status: string) => ({
    total: httpTotal.labels(method, route, status),
    seconds: httpSeconds.labels(method, route, status),
  }))

  const grpcTotal = counter('oms_grpc_server_calls_total', 'gRPC calls served', ['method', 'code'])
  const grpcSeconds = histogram(
    'oms_grpc_server_call_duration_seconds',
    'Time to serve a gRPC call',
    ['method', 'code'],
  )
  const grpc = series((method: string, code: string) => ({
    total: grpcTotal.labels(method, code),
    seconds: grpcSeconds.labels(method, code),
  }))

  const publishedTotal = counter('oms_bus_published_total', 'Messages published', ['event'])
  const publishFailures = counter(
    'oms_bus_publish_failures_total',
    'Publishes that failed (the broker refused or did not confirm in time)',
    ['event'],
  )
  const consumedTotal = counter(
    'oms_bus_consumed_total',
    'Deliveries handled by a consumer, by outcome: ok, duplicate (already handled, skipped), transient (what it needs is away: tried again later), failed',
    ['consumer', 'event', 'outcome'],
  )
  const consumeSeconds = histogram(
    'oms_bus_consume_duration_seconds',
    'Time a consumer took to handle a delivery',
    ['consumer', 'outcome'],
  )
  const retriedTotal = counter(
    'oms_bus_retried_total',
    'Deliveries that are a retry of a failed try (the second try on)',
    ['consumer', 'event'],
  )
  const parkedTotal = counter(
    'oms_bus_parked_total',
    'Messages parked in the dead-letter list (oms dlq)',
    ['consumer', 'event'],
  )
  const consumedSeries = series((consumer: string, event: string, outcome: string) => ({
    total: consumedTotal.labels(consumer, event, outcome),
    seconds: consumeSeconds.labels(consumer, outcome),
  }))
  const retried = series((consumer: string, event: string) => retriedTotal.labels(consumer, event))

  const jobsStarted = counter('oms_worker_jobs_started_total', 'Worker jobs started', ['function'])
  const jobsFinished = counter(
    'oms_worker_jobs_finished_total',
    'Worker job runs ended, by outcome: done, deferred (retry later), failed (retried with backoff)',
    ['function', 'outcome'],
  )
  const jobsRunning: GaugeType<'function'> = new Gauge({
    name: 'oms_worker_jobs_running',
    help: 'Worker jobs running now',
    labelNames: ['function'],
    registers,
  })
  const jobSeconds = histogram(
    'oms_worker_job_duration_seconds',
    'Time a worker job run took',
    ['function', 'outcome'],
    JOB_SECONDS,
  )

  const storeSeconds = histogram(
    'oms_store_operation_duration_seconds',
    'Time a document store operation took, by namespace, collection and operation',
    ['namespace', 'collection', 'operation', 'outcome'],
  )
  const store = series(
    (namespace: string, collection: string, operation: string, outcome: string) =>
      storeSeconds.labels(namespace, collection, operation, outcome),
  )

  const byEvent = (c: CounterType<'event'>) => series((event: string) => c.labels(event))
  const published = byEvent(publishedTotal)
  const failed = byEvent(publishFailures)
  const parked = series((consumer: string, event: string) => parkedTotal.labels(consumer, event))

  return {
    registry,
    contentType: registry.contentType,
    async text() {
      const own = await processRegistry()
      return `${await own.metrics()}\n${await registry.metrics()}`
    },
    httpRequest(method, route, status, seconds) {
      const s = http(METHODS.has(method) ? method : 'OTHER', route, String(status))
      s.total.inc()
      s.seconds.observe(seconds)
    },
    grpcCall(method, code, seconds) {
      const s = grpc(method, code)
      s.total.inc()
      s.seconds.observe(seconds)
    },
    published: (event) => published(event).inc(),
    publishFailed: (event) => failed(event).inc(),
    consumed(consumer, event, attempt, outcome, seconds) {
      const s = consumedSeries(consumer, event, outcome)
      s.total.inc()
      s.seconds.observe(seconds)
      if (attempt > 1) retried(consumer, event).inc()
    },
    parked: (consumer, event) => parked(consumer, event).inc(),
    jobStarted(fn) {
      const started = performance.now()
      jobsStarted.labels(fn).inc()
      jobsRunning.labels(fn).inc()
      return (outcome) => {
        jobsRunning.labels(fn).dec()
        jobsFinished.labels(fn, outcome).inc()
        jobSeconds.labels(fn, outcome).observe((performance.now() - started) / 1000)
      }
    },
    storeOperation(namespace, collection, operation, ok, seconds) {
      store(namespace, collection, operation, ok ? 'ok' : 'error').observe(seconds)
    },
  }
}

/** Seconds since `started` (a `performance.now()` reading). */
export const secondsSince = (started: number): number => (performance.now() - started) / 1000
