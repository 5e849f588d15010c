/**
 * A runtime's Prometheus metrics: one registry per runtime (tests host several runtimes in one
 * process), with what every binding counts — HTTP requests, gRPC calls, bus messages, worker
 * jobs, store operations — and the process's default metrics beside them when scraped. Each
 * label combination's series is found once and kept (series.ts), so recording costs a map
 * lookup and a few additions.
 */
import type { Registry as RegistryType } from 'prom-client'
import { processRegistry, Registry } from './prom.ts'
import { type Count, CounterFamily, type Distribution, HistogramFamily } from './series.ts'

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
  storeOperation(namespace: string, collection: string, operation: string, seconds: number): void
}

/** Methods named as they are; anything else is `OTHER` (label values must stay few). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** A counter and a histogram of the same labels, recorded together. */
function timedCount(counter: CounterFamily, histogram: HistogramFamily) {
  const made = new Map<string, { count: Count; time: Distribution }>()
  return (seconds: number, ...labels: string[]) => {
    const key = labels.join('\u0000')
    let pair = made.get(key)
    if (!pair) {
      pair = { count: counter.of(...labels), time: histogram.of(...labels) }
      made.set(key, pair)
    }
    pair.count.value += 1
    pair.time.observe(seconds)
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  const counter = (name: string, help: string, labels: string[]) =>
    new CounterFamily(registry, name, help, labels)
  const histogram = (name: string, help: string, labels: string[], bounds = SECONDS) =>
    new HistogramFamily(registry, name, help, labels, bounds)

  const http = timedCount(
    counter('oms_http_requests_total', 'HTTP requests answered', ['method', 'route', 'status']),
    histogram(
      'oms_http_request_duration_seconds',
      'Time to answer an HTTP request (until the response is ready), by route',
      ['method', 'route', 'status'],
    ),
  )
  const grpc = timedCount(
    counter('oms_grpc_server_calls_total', 'gRPC calls served', ['method', 'code']),
    histogram('oms_grpc_server_call_duration_seconds', 'Time to serve a gRPC call', [
      'method',
      'code',
    ]),
  )
  const published = counter('oms_bus_published_total', 'Messages published', ['event'])
  const publishFailures = counter(
    'oms_bus_publish_failures_total',
    'Publishes that failed (the broker refused or did not confirm in time)',
    ['event'],
  )
  const consumed = counter(
    'oms_bus_consumed_total',
    'Deliveries handled by a consumer, by outcome: ok, duplicate (already handled, skipped), transient (what it needs is away: tried again later), failed',
    ['consumer', 'event', 'outcome'],
  )
  const consumeSeconds = histogram(
    'oms_bus_consume_duration_seconds',
    'Time a consumer took to handle a delivery',
    ['consumer', 'outcome'],
  )
  const retried = counter(
    'oms_bus_retried_total',
    'Deliveries that are a retry of a failed try (the second try on)',
    ['consumer', 'event'],
  )
  const parked = counter(
    'oms_bus_parked_total',
    'Messages parked in the dead-letter list (oms dlq)',
    ['consumer', 'event'],
  )
  const jobsStarted = counter('oms_worker_jobs_started_total', 'Worker jobs started', ['function'])
  const jobsFinished = counter(
    'oms_worker_jobs_finished_total',
    'Worker job runs ended, by outcome: done, deferred (retry later), failed (retried with backoff)',
    ['function', 'outcome'],
  )
  const jobsRunning = new CounterFamily(
    registry,
    'oms_worker_jobs_running',
    'Worker jobs running now',
    ['function'],
    'gauge',
  )
  const jobSeconds = histogram(
    'oms_worker_job_duration_seconds',
    'Time a worker job run took',
    ['function', 'outcome'],
    JOB_SECONDS,
  )
  const storeSeconds = histogram(
    'oms_store_operation_duration_seconds',
    'Time a document store operation took, by namespace, collection and operation',
    ['namespace', 'collection', 'operation'],
  )

  return {
    registry,
    contentType: registry.contentType,
    async text() {
      const own = await processRegistry()
      return `${await own.metrics()}\n${await registry.metrics()}`
    },
    httpRequest(method, route, status, seconds) {
      http(seconds, METHODS.has(method) ? method : 'OTHER', route, String(status))
    },
    grpcCall(method, code, seconds) {
      grpc(seconds, method, code)
    },
    published(event) {
      published.of(event).value += 1
    },
    publishFailed(event) {
      publishFailures.of(event).value += 1
    },
    consumed(consumer, event, attempt, outcome, seconds) {
      consumed.of(consumer, event, outcome).value += 1
      consumeSeconds.of(consumer, outcome).observe(seconds)
      if (attempt > 1) retried.of(consumer, event).value += 1
    },
    parked(consumer, event) {
      parked.of(consumer, event).value += 1
    },
    jobStarted(fn) {
      const started = performance.now()
      jobsStarted.of(fn).value += 1
      const running = jobsRunning.of(fn)
      running.value += 1
      return (outcome) => {
        running.value -= 1
        jobsFinished.of(fn, outcome).value += 1
        jobSeconds.of(fn, outcome).observe((performance.now() - started) / 1000)
      }
    },
    storeOperation(namespace, collection, operation, seconds) {
      storeSeconds.of(namespace, collection, operation).observe(seconds)
    },
  }
}
