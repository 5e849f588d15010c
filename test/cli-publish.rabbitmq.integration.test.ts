/**
 * `oms publish <event>` with AMQP_URL set and no --url publishes straight to the broker, in the
 * configured namespace, after checking the body against the event's schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import type { Bus } from '../runtime/ports/bus.ts'
import { linesOf, oms } from './cli.ts'
import { silentLogger, waitFor } from './fixtures.ts'
import {
  deleteNamespace,
  RABBIT_URL,
  rabbitAvailable,
  rabbitEnv,
  testNamespace,
} from './servers/rabbitmq.ts'

describe.skipIf(!(await rabbitAvailable()))('oms publish to RabbitMQ', () => {
  const namespace = testNamespace()
  let bus: Bus
  const received: string[] = []
  beforeAll(async () => {
    bus = await amqpBus({ url: RABBIT_URL, namespace, retryDelaysMs: [], log: silentLogger })
    await bus.subscribe(
      { consumer: 'test.cli-publish', event: 'order.ready', prefetch: 1, retryDelaysMs: [] },
      async (delivery) => {
        received.push(delivery.body)
      },
    )
  })
  afterAll(async () => {
    await bus?.close()
    await deleteNamespace(namespace)
  })

  it('delivers a valid event to the consumers on the broker; refuses an invalid one, naming the field', async () => {
    const env = rabbitEnv(namespace)
    const sample = await oms(['events', 'sample', 'order.ready'])
    const published = await oms(['publish', 'order.ready', '--data', '-'], {
      env,
      input: sample.stdout,
    })
    expect(published.stderr).toBe('')
    expect(published.code).toBe(0)
    expect(published.stdout).toMatch(new RegExp(`RabbitMQ \\(namespace ${namespace}\\)`))
    const body = await waitFor(async () => received[0], { what: 'the event on the broker' })
    expect(JSON.parse(body)).toEqual(JSON.parse(sample.stdout))

    const invalid = await oms(['publish', 'order.ready', '--data', '{"eventId": "e"}'], { env })
    expect(invalid.code).toBe(2)
    expect(linesOf(invalid.stderr)).toEqual([
      expect.stringMatching(/^oms: invalid order\.ready event: orderId: /),
    ])
    expect(received).toHaveLength(1)
  })
})
