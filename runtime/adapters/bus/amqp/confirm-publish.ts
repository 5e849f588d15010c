/** Publishes one message on a confirm channel and resolves when the broker confirmed it. */
import type { ConfirmChannel, Options } from 'amqplib'

export function confirmPublish(
  ch: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      ch.publish(exchange, routingKey, content, options, (err) => (err ? reject(err) : resolve()))
    } catch (err) {
      // The channel closed under us (IllegalOperationError): the caller waits for a new one.
      reject(err)
    }
  })
}
