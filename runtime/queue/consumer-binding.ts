/**
 * The consumer binding: each consumer function on its own queue of the bus. Redeliveries
 * happen (a lost ack, a reconnect), so the binding records each message id the function has
 * handled and skips a redelivered message it already handled (a first delivery of a first send
 * is not looked up: no read for it); handlers are written to be idempotent as well, which
 * covers a crash between the effect and the record, and a copy that arrives unflagged (a
 * publish the client library sent again after a reconnect). `oms invoke` runs a message
 * through the same path as a delivery. Each delivery is counted by its outcome, with its time
 * (and as a retry from its second try on), and each message parked. Each delivery's handler runs
 * as a call (no deadline); when the process stops, the queues are no longer consumed, and the
 * deliveries in flight get the grace to finish, then are given up: their messages wait and come
 * again, with one info line each.
 */
import { randomUUID } from 'node:crypto'
import { isTransient } from '../adapters/bus/errors.ts'
import type { ConsumeOutcome, Metrics } from '../metrics/metrics.ts'
import {
  type Binding,
  type BindingDeps,
  type Hosted,
  hostedNamed,
  SETTLE_MS,
} from '../model/binding.ts'
import { abortCauseOf } from '../model/call.ts'
import { inCall } from '../model/call-scope.ts'
import { type CallsInFlight, callsInFlight } from '../model/calls-in-flight.ts'
import type { ConsumerFunction } from '../model/define.ts'
import { isRetryLater } from '../model/retry-later.ts'
import { logFieldsOf } from '../model/topic.ts'
import type { Delivery, SubscribeOptions, Subscription } from '../ports/bus.ts'
import { extract, inSpan, keyAttributes, SpanKind } from '../telemetry/spans.ts'
import { handledEvents } from './handled-events.ts'
import { parseEvent } from './parse-event.ts'

/** Seconds since `started` (a performance.now() reading). */
const since = (started: number) => (performance.now() - started) / 1000

/**
 * `handle`, each delivery counted for the consumer: by outcome (what `handle` resolves with,
 * else ok; transient or failed when it throws), with its time.
 */
export function countingDeliveries(
  metrics: Metrics,
  consumer: string,
  event: string,
  handle: (delivery: Delivery) => Promise<ConsumeOutcome | undefined>,
): (delivery: Delivery) => Promise<void> {
  return async (delivery) => {
    const started = performance.now()
    let outcome: ConsumeOutcome = 'failed'
    try {
      outcome = (await handle(delivery)) || 'ok'
    } catch (err) {
      if (isTransient(err)) outcome = 'transient'
      throw err
    } finally {
      metrics.consumed(consumer, event, delivery.attempt, outcome, since(started))
    }
  }
}

/** What a consumer's subscription does with each message it parks: count it, and say so. */
export function parkedNotice(
  deps: Pick<BindingDeps, 'metrics' | 'log'>,
  consumer: string,
  event: string,
): NonNullable<SubscribeOptions['onParked']> {
  return ({ id, error, tries }) => {
    deps.metrics.parked(consumer, event)
    deps.log.warn(
      { fn: consumer, messageId: id, tries, error },
      `message parked; once fixed, replay it: oms dlq replay --function ${consumer} --id ${id}`,
    )
  }
}

/**
 * Handles one delivery for the function: parse, skip if handled, run in a CONSUMER span, record;
 * counted by outcome with its time, inside the span's work (no promise of its own: under
 * tracing's async hooks each costs a microsecond).
 */
function deliveryHandler(
  { fn, ctx, tracer }: Hosted<ConsumerFunction>,
  deps: BindingDeps,
  calls: CallsInFlight,
) {
  // No marks for a handler that is safe to repeat by itself.
  const handled = fn.def.options.idempotent ? undefined : handledEvents(deps.adapters.store)
  const { topic } = fn.def
  const handler = fn.def.handler as (event: unknown, ctx: unknown) => Promise<void>
  return async (delivery: Delivery): Promise<void> => {
    const message = { id: delivery.messageId, attempt: delivery.attempt, headers: delivery.headers }
    // One CONSUMER span per delivery (so each retry is its own span), child of the publisher.
    const attributes = {
      'messaging.operation.type': 'process',
      'messaging.destination.name': topic.name,
      'messaging.consumer.group.name': fn.name,
      'messaging.message.id': delivery.messageId,
      'messaging.delivery.attempt': delivery.attempt,
      'faas.name': fn.name,
      'faas.trigger': 'pubsub',
    }
    const parent = extract(delivery.headers)
    await inSpan(
      tracer,
      `consume ${topic.name}`,
      { kind: SpanKind.CONSUMER, parent, attributes },
      async (span) => {
        const started = performance.now()
        const count = (outcome: ConsumeOutcome) =>
          deps.metrics.consumed(fn.name, topic.name, delivery.attempt, outcome, since(started))
        let log = ctx.log.child({ messageId: delivery.messageId, attempt: delivery.attempt })
        try {
          const event = parseEvent(topic, delivery.body)
          // What the event is about (its topic's logKeys) is on every line its handler writes.
          const about = logFieldsOf(topic, event)
          if (Object.keys(about).length > 0) {
            log = log.child(about)
            if (span.isRecording()) span.setAttributes(keyAttributes(about))
          }
          // Only a message that may have come before is looked up: a first delivery of a first
          // send costs no read.
          if (handled && delivery.redelivered && (await handled.has(fn.name, delivery.messageId))) {
            count('duplicate')
            return log.debug('message already handled; skipped')
          }
          const call = calls.open(Infinity)
          // The function's context with this delivery's log, message and call (its signal made
          // only when asked for).
          const deliveryCtx = {
            ...ctx,
            log,
            message,
            deadline: Infinity,
            get signal() {
              return call.signal
            },
          }
          try {
            await inCall(call, handler, event, deliveryCtx)
          } catch (err) {
            // Given up (the process is stopping): the message waits and comes again.
            throw call.reason ?? err
          } finally {
            call.end()
          }
          if (handled && !(await handled.mark(fn.name, delivery.messageId)))
            log.debug('message handled again: a copy its publisher did not say it resent')
          count('ok')
        } catch (err) {
          count(isTransient(err) ? 'transient' : 'failed')
          if (isRetryLater(err)) log.debug({ reason: err.message }, 'consumer deferred the message')
          else if (abortCauseOf(err) === 'stopping')
            log.info('given up as the process stops; the message comes again')
          else log.warn({ err, event: topic.name }, 'consumer failed')
          throw err
        }
      },
    )
  }
}

export function prepareConsumers(
  hosted: readonly Hosted<ConsumerFunction>[],
  deps: BindingDeps,
): Binding {
  const calls = callsInFlight()
  const handlers = new Map(hosted.map((h) => [h.fn.name, deliveryHandler(h, deps, calls)]))
  const subscriptions: Subscription[] = []
  return {
    async start() {
      for (const { fn } of hosted) {
        subscriptions.push(
          await deps.adapters.bus.subscribe(
            {
              consumer: fn.name,
              event: fn.def.topic.name,
              prefetch: fn.def.options.prefetch ?? deps.config.prefetch,
              retryDelaysMs: fn.def.options.retryDelaysMs ?? deps.config.retryDelaysMs,
              transientWaitMs: deps.config.transientWaitMs,
              onParked: parkedNotice(deps, fn.name, fn.def.topic.name),
            },
            handlers.get(fn.name)!,
          ),
        )
      }
    },
    async stop() {
      // Closing stops the deliveries at once, and waits for those in flight.
      const closed = Promise.allSettled(subscriptions.splice(0).map((s) => s.close()))
      if (!(await calls.drained(deps.config.shutdownGraceMs))) {
        calls.abortAll('stopping')
        await calls.drained(SETTLE_MS)
      }
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        closed,
        new Promise((resolve) => (timer = setTimeout(resolve, SETTLE_MS))),
      ])
      clearTimeout(timer)
    },
    async invoke(name, input) {
      const { fn } = hostedNamed(hosted, name)
      await handlers.get(name)!({
        messageId: `invoke-${randomUUID()}`,
        event: fn.def.topic.name,
        body: JSON.stringify(input),
        headers: {},
        attempt: 1,
        redelivered: false,
      })
      return { ok: true }
    },
  }
}
