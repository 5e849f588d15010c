/**
 * A journey gathers every kept trace with a span about the value searched (an attribute, a
 * path segment, a trace id), follows span links both ways into the traces that continue or
 * precede them, folds reads into a count and lays the rest out as steps: tree order within each
 * trace, offsets from the first step, outcomes (ok, error, retry for a failed try tried again).
 */
import { describe, expect, it } from 'vitest'
import type { KeptSpan } from '../telemetry/span-ring.ts'
import { journeyOf, spanMatches } from './journey.ts'

const T0 = 1_700_000_000_000
let seq = 0
const id = (prefix: string) => `${prefix}${String(++seq).padStart(4, '0')}`

function span(
  traceId: string,
  name: string,
  startMs: number,
  durationMs: number,
  more: Partial<KeptSpan> = {},
): KeptSpan {
  return {
    traceId,
    spanId: id('s'),
    name,
    kind: 'internal',
    service: 'shop',
    startMs: T0 + startMs,
    durationMs,
    status: 'unset',
    attributes: {},
    events: [],
    links: [],
    ...more,
  }
}

/**
 * Trace A: a thing made over HTTP (its id only in the gRPC call and the event's consumer);
 * trace H: a webhook from outside, linked back to A, whose consumer fails once and is tried
 * again; trace S: the earlier trace A itself links to; reads of the thing; and unrelated work.
 */
function world() {
  const A = 'a'.repeat(32)
  const H = 'b'.repeat(32)
  const S = 'c'.repeat(32)
  const other = 'd'.repeat(32)
  const post = span(A, 'POST /things', 0, 30, {
    kind: 'server',
    attributes: { 'http.request.method': 'POST', 'url.path': '/things', 'faas.name': 'shop.make' },
  })
  const rpc = span(A, 'ThingService/MakeThing', 2, 20, {
    parentSpanId: post.spanId,
    kind: 'server',
    service: 'things',
    attributes: { 'rpc.system': 'grpc', 'faas.name': 'things.make', 'oms.key.thingId': 'T-42' },
    links: [{ traceId: S, spanId: 'feed', attributes: {} }],
  })
  const publish = span(A, 'publish thing.made', 15, 0, {
    parentSpanId: rpc.spanId,
    kind: 'producer',
    attributes: { 'faas.name': 'things.make' },
  })
  const consumed = span(A, 'consume thing.made', 40, 5, {
    parentSpanId: publish.spanId,
    kind: 'consumer',
    service: 'mail',
    attributes: {
      'faas.name': 'mail.on-thing-made',
      'messaging.message.id': 'm-1',
      'messaging.consumer.group.name': 'mail.on-thing-made',
      'messaging.delivery.attempt': 1,
      'oms.key.thingId': 'T-42',
    },
  })
  const sweep = span(S, 'schedule things.sweep', -500, 3, {
    attributes: { 'faas.name': 'things.sweep' },
  })
  // The webhook carries nothing about T-42: only its link leads to it.
  const hook = span(H, 'POST /hooks/in', 1000, 12, {
    kind: 'server',
    attributes: {
      'http.request.method': 'POST',
      'url.path': '/hooks/in',
      'faas.name': 'pay.webhook',
      'http.response.status_code': 200,
    },
    links: [{ traceId: A, spanId: post.spanId, attributes: { 'oms.link': 'earlier' } }],
  })
  const hookPublish = span(H, 'publish thing.paid', 1005, 0, {
    parentSpanId: hook.spanId,
    kind: 'producer',
    attributes: { 'faas.name': 'pay.webhook' },
  })
  const tryOf = (attempt: number, startMs: number, failed: boolean) =>
    span(H, 'consume thing.paid', startMs, 4, {
      parentSpanId: hookPublish.spanId,
      kind: 'consumer',
      service: 'mail',
      status: failed ? 'error' : 'unset',
      ...(failed && { statusMessage: 'the printer is jammed' }),
      attributes: {
        'faas.name': 'mail.on-thing-paid',
        'messaging.message.id': 'm-2',
        'messaging.consumer.group.name': 'mail.on-thing-paid',
        'messaging.delivery.attempt': attempt,
      },
    })
  const firstTry = tryOf(1, 1010, true)
  const secondTry = tryOf(2, 1100, true)
  // Parked after its second try, then replayed (from try 1 again) once fixed.
  const replayed = tryOf(1, 1300, false)
  const refused = span(H, 'ThingService/MarkPaid', 1006, 2, {
    parentSpanId: hook.spanId,
    kind: 'server',
    status: 'error',
    attributes: { 'rpc.system': 'grpc', 'faas.name': 'things.mark-paid' },
    events: [{ name: 'exception', atMs: T0 + 1007, attributes: { 'exception.message': 'boom' } }],
  })
  const read = (startMs: number) => {
    const trace = id('r').padEnd(32, 'e')
    return span(trace, 'GET /things/:thingId', startMs, 1, {
      kind: 'server',
      attributes: {
        'http.request.method': 'GET',
        'url.path': '/things/T-42',
        'faas.name': 'shop.show',
      },
    })
  }
  const unrelated = span(other, 'POST /things', 300, 10, {
    kind: 'server',
    attributes: { 'http.request.method': 'POST', 'url.path': '/things/T-420' },
  })
  // Kept in the order they ended (children first), not by start.
  const spans = [
    sweep,
    publish,
    rpc,
    post,
    read(60),
    consumed,
    unrelated,
    hookPublish,
    refused,
    firstTry,
    hook,
    secondTry,
    read(1200),
    replayed,
  ]
  const all = { A, H, S, other, spans, post, rpc, consumed, hook, firstTry, secondTry, replayed }
  return { ...all, refused }
}

describe('finding spans by a value', () => {
  const base = span('f'.repeat(32), 'x', 0, 1, {
    attributes: { 'url.path': '/things/T-42/parts', 'oms.key.thingId': 'T-7', count: 12 },
  })

  it('matches an attribute equal to the value, or one segment of a path', () => {
    expect(spanMatches(base, 'T-7')).toBe(true)
    expect(spanMatches(base, 'T-42')).toBe(true)
    expect(spanMatches(base, '12')).toBe(true)
    expect(spanMatches(base, base.traceId)).toBe(true)
  })

  it('does not match a part of a segment', () => {
    expect(spanMatches(base, 'T-4')).toBe(false)
    expect(spanMatches(base, 'things/T')).toBe(false)
    expect(spanMatches(base, 'T')).toBe(false)
  })
})

describe('a journey', () => {
  it('takes whole the traces that mention the value, and those linked to or from them', () => {
    const w = world()
    const journey = journeyOf(w.spans, 'T-42')
    // S (linked from A), A, then H (whose link points at A) — by start; not the unrelated trace.
    expect(journey.traces.map((t) => t.traceId)).toEqual([w.S, w.A, w.H])
    expect(journey.traces.map((t) => t.matched)).toEqual([false, true, false])
    expect(journey.traces[1]).toMatchObject({ linksTo: [w.S], linkedFrom: [w.H] })
    expect(journey.traces[2]).toMatchObject({
      root: 'POST /hooks/in',
      fn: 'pay.webhook',
      linksTo: [w.A],
    })
    expect(journey.steps.some((s) => s.traceId === w.other)).toBe(false)
    expect(new Set(journey.steps.map((s) => s.fn))).toEqual(
      new Set([
        'things.sweep',
        'shop.make',
        'things.make',
        'mail.on-thing-made',
        'pay.webhook',
        'things.mark-paid',
        'mail.on-thing-paid',
      ]),
    )
  })

  it('lays each trace out in tree order, with depths, kinds and offsets from the first step', () => {
    const w = world()
    const journey = journeyOf(w.spans, 'T-42')
    const ofA = journey.steps.filter((s) => s.traceId === w.A)
    expect(ofA.map((s) => [s.name, s.depth, s.what])).toEqual([
      ['POST /things', 0, 'http'],
      ['ThingService/MakeThing', 1, 'grpc'],
      ['publish thing.made', 2, 'publish'],
      ['consume thing.made', 3, 'consume'],
    ])
    expect(journey.startMs).toBe(T0 - 500)
    expect(journey.steps[0]).toMatchObject({ name: 'schedule things.sweep', offsetMs: 0 })
    expect(ofA[0]?.offsetMs).toBe(500)
    expect(ofA[3]).toMatchObject({ offsetMs: 540, durationMs: 5, attempt: 1, matched: true })
    expect(ofA[0]?.matched).toBe(false)
    // From the sweep's start to the replayed try's end.
    expect(journey.durationMs).toBe(500 + 1300 + 4)
  })

  it('says how each step ended: a failed try tried again is a retry, a failure that stands an error', () => {
    const w = world()
    const steps = journeyOf(w.spans, 'T-42').steps
    const of = (spanId: string) => steps.find((s) => s.spanId === spanId)
    expect(of(w.firstTry.spanId)).toMatchObject({
      outcome: 'retry',
      message: 'the printer is jammed',
      attempt: 1,
    })
    // Its last try failed: parked. The replay starts over, so that failure stands.
    expect(of(w.secondTry.spanId)).toMatchObject({ outcome: 'error', attempt: 2 })
    expect(of(w.replayed.spanId)).toMatchObject({ outcome: 'ok', attempt: 1 })
    expect(of(w.refused.spanId)).toMatchObject({ outcome: 'error', message: 'boom' })
    expect(of(w.hook.spanId)).toMatchObject({ outcome: 'ok' })
  })

  it('counts the reads of the value instead of laying them out', () => {
    const w = world()
    const journey = journeyOf(w.spans, 'T-42')
    expect(journey.reads).toEqual([
      { name: 'GET /things/:thingId', fn: 'shop.show', count: 2, lastAtMs: T0 + 1200 },
    ])
    expect(journey.steps.some((s) => s.name.startsWith('GET'))).toBe(false)
  })

  it('finds a trace by its id, a read included, with the traces it links to', () => {
    const w = world()
    expect(journeyOf(w.spans, w.H).traces.map((t) => t.traceId)).toEqual([w.S, w.A, w.H])
    const readTrace = w.spans.find((s) => s.name.startsWith('GET'))?.traceId as string
    const journey = journeyOf(w.spans, readTrace)
    expect(journey.traces.map((t) => t.traceId)).toEqual([readTrace])
    expect(journey.reads).toEqual([])
  })

  it('is empty for a value no span mentions, and for nothing at all', () => {
    const w = world()
    for (const query of ['T-99', '  ']) {
      const journey = journeyOf(w.spans, query)
      expect(journey).toMatchObject({ traces: [], steps: [], reads: [], startMs: 0, durationMs: 0 })
    }
  })

  it('lays out at most the traces asked for, and says it left some out', () => {
    const w = world()
    const journey = journeyOf(w.spans, 'T-42', { maxTraces: 2 })
    expect(journey.traces).toHaveLength(2)
    expect(journey.truncated).toBe(true)
  })
})
