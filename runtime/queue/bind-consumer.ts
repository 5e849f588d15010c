/**
 * Binds a consumer function to its own queue on the bus. Redeliveries happen (a lost ack, a
 * reconnect), so the binding records each message id the function has handled and skips a
 * message it already handled; handlers are written to be idempotent as well, which covers a
 * crash between the effect and the record.
 */

import type { Tracer } from '@opentelemetry/api'
import type { Context } from '../model/context.ts'
import type { ConsumerFunction } from '../model/define.ts'
import { isRetryLater } from '../model/retry-later.ts'
import type { Bus, Subscription } from '../ports/bus.ts'
import { extract, inSpan, SpanKind } from '../telemetry/spans.ts'
import { parseEvent } from './parse-event.ts'

export function bindConsumer(
  def: ConsumerFunction,
  ctx: Context,
  bus: Bus,
  tracer: Tracer,
): Promise<Subscription> {
  const scope = `consumer:${ctx.fn.name}`
  const { processed } = ctx.store
  return bus.subscribe(
    {
      consumer: ctx.fn.name,
      event: def.event,
      prefetch: def.options.prefetch ?? ctx.config.prefetch,
      retryDelaysMs: def.options.retryDelaysMs ?? ctx.config.retryDelaysMs,
    },
    async (delivery) => {
      const message = {
        id: delivery.messageId,
        attempt: delivery.attempt,
        headers: delivery.headers,
      }
      // One CONSUMER span per delivery (so each retry is its own span), child of the publisher.
      const attributes = {
        'messaging.operation.type': 'process',
        'messaging.destination.name': def.event,
        'messaging.consumer.group.name': ctx.fn.name,
        'messaging.message.id': delivery.messageId,
        'messaging.delivery.attempt': delivery.attempt,
        'faas.name': ctx.fn.name,
        'faas.trigger': 'pubsub',
      }
      const parent = extract(delivery.headers)
      await inSpan(
        tracer,
        `consume ${def.event}`,
        { kind: SpanKind.CONSUMER, parent, attributes },
        async () => {
          const log = ctx.log.child({ messageId: delivery.messageId, attempt: delivery.attempt })
          try {
            const event = parseEvent(def.event, delivery.body)
            if (await processed.has(scope, delivery.messageId)) {
              return log.debug('message already handled; skipped')
            }
            await def.handler(event, { ...ctx, log, message })
            await processed.markOnce(scope, delivery.messageId)
          } catch (err) {
            if (isRetryLater(err))
              log.debug({ reason: err.message }, 'consumer deferred the message')
            else log.warn({ err, event: def.event }, 'consumer failed')
            throw err
          }
        },
      )
    },
  )
}
