/**
 * A runtime's metrics: its own registry (two runtimes in one process count apart), the
 * process's default metrics beside them, in text Prometheus parses; what each recording moves.
 */
import { describe, expect, it } from 'vitest'
import { parseScrape } from '../../test/prometheus-text.ts'
import { createMetrics } from './metrics.ts'

describe('metrics', () => {
  it('are counted apart per runtime, with the process metrics in each scrape', async () => {
    const one = createMetrics()
    const other = createMetrics()
    one.httpRequest('GET', '/items/:id', 200, 0.002)
    one.httpRequest('GET', '/items/:id', 200, 0.004)
    const first = parseScrape(await one.text())
    const second = parseScrape(await other.text())
    const labels = { method: 'GET', route: '/items/:id', status: '200' }
    expect(first.value('oms_http_requests_total', labels)).toBe(2)
    expect(first.count('oms_http_request_duration_seconds', labels)).toBe(2)
    expect(second.value('oms_http_requests_total', labels)).toBe(0)
    for (const scrape of [first, second])
      expect([...scrape.types.keys()]).toEqual(
        expect.arrayContaining(['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']),
      )
    expect(one.contentType).toMatch(/^text\/plain/)
  })

  it('name an unusual HTTP method OTHER, so label values stay few', async () => {
    const m = createMetrics()
    m.httpRequest('BREW', 'unmatched', 404, 0.001)
    const scrape = parseScrape(await m.text())
    expect(scrape.value('oms_http_requests_total', { method: 'OTHER' })).toBe(1)
    expect(scrape.value('oms_http_requests_total', { method: 'BREW' })).toBe(0)
  })

  it('count deliveries by outcome, retries from the second try, parked messages, publishes', async () => {
    const m = createMetrics()
    m.consumed('billing.on-paid', 'thing.paid', 1, 'failed', 0.01)
    m.consumed('billing.on-paid', 'thing.paid', 2, 'failed', 0.01)
    m.consumed('billing.on-paid', 'thing.paid', 3, 'ok', 0.01)
    m.consumed('billing.on-paid', 'thing.paid', 1, 'duplicate', 0.001)
    m.parked('billing.on-paid', 'thing.paid')
    m.published('thing.paid')
    m.publishFailed('thing.paid')
    const s = parseScrape(await m.text())
    const consumer = { consumer: 'billing.on-paid', event: 'thing.paid' }
    expect(s.value('oms_bus_consumed_total', { ...consumer, outcome: 'failed' })).toBe(2)
    expect(s.value('oms_bus_consumed_total', { ...consumer, outcome: 'ok' })).toBe(1)
    expect(s.value('oms_bus_consumed_total', { ...consumer, outcome: 'duplicate' })).toBe(1)
    expect(s.value('oms_bus_retried_total', consumer)).toBe(2)
    expect(s.value('oms_bus_parked_total', consumer)).toBe(1)
    expect(s.count('oms_bus_consume_duration_seconds', { consumer: 'billing.on-paid' })).toBe(4)
    expect(s.value('oms_bus_published_total', { event: 'thing.paid' })).toBe(1)
    expect(s.value('oms_bus_publish_failures_total', { event: 'thing.paid' })).toBe(1)
  })

  it('count jobs started, running and finished by outcome, with their time', async () => {
    const m = createMetrics()
    const fn = { function: 'bakery.bake' }
    const ended = m.jobStarted('bakery.bake')
    let s = parseScrape(await m.text())
    expect(s.value('oms_worker_jobs_started_total', fn)).toBe(1)
    expect(s.value('oms_worker_jobs_running', fn)).toBe(1)
    ended('done')
    m.jobStarted('bakery.bake')('deferred')
    s = parseScrape(await m.text())
    expect(s.value('oms_worker_jobs_running', fn)).toBe(0)
    expect(s.value('oms_worker_jobs_finished_total', { ...fn, outcome: 'done' })).toBe(1)
    expect(s.value('oms_worker_jobs_finished_total', { ...fn, outcome: 'deferred' })).toBe(1)
    expect(s.count('oms_worker_job_duration_seconds', fn)).toBe(2)
  })

  it('time gRPC calls by method and code, and store operations by collection', async () => {
    const m = createMetrics()
    m.grpcCall('ThingService/GetThing', 'OK', 0.001)
    m.grpcCall('ThingService/GetThing', 'NOT_FOUND', 0.001)
    m.storeOperation('billing', 'invoices', 'get', 0.0002)
    m.storeOperation('billing', 'invoices', 'update', 0.0002)
    const s = parseScrape(await m.text())
    expect(s.value('oms_grpc_server_calls_total', { method: 'ThingService/GetThing' })).toBe(2)
    expect(s.value('oms_grpc_server_calls_total', { code: 'NOT_FOUND' })).toBe(1)
    expect(s.count('oms_grpc_server_call_duration_seconds', { code: 'OK' })).toBe(1)
    const invoices = { namespace: 'billing', collection: 'invoices' }
    expect(s.count('oms_store_operation_duration_seconds', { ...invoices, operation: 'get' })).toBe(
      1,
    )
    expect(s.count('oms_store_operation_duration_seconds', invoices)).toBe(2)
  })
})
