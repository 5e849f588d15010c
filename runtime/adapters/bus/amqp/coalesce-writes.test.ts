/**
 * Write coalescing reaches into amqplib's connection; these tests fail when an amqplib upgrade
 * moves what it relies on (the adapter would then only log a warning and send frame by frame).
 */
import type { Socket } from 'node:net'
import { type ChannelModel, connect } from 'amqplib'
import { describe, expect, it } from 'vitest'
import { RABBIT_URL, rabbitAvailable } from '../../../../test/servers/rabbitmq.ts'
import { coalesceWrites } from './coalesce-writes.ts'

const rabbit = await rabbitAvailable()

describe('coalesceWrites', () => {
  it('leaves a connection without the expected internals alone', () => {
    const model = { connection: { serverProperties: {} } } as unknown as ChannelModel
    expect(coalesceWrites(model)).toBe(false)
  })

  it.skipIf(!rabbit)('sends the frames queued in one tick with one write', async () => {
    const model = await connect(RABBIT_URL, { noDelay: true })
    try {
      expect(coalesceWrites(model)).toBe(true)
      const ch = await model.createConfirmChannel()
      const socket = (model.connection as unknown as { stream: Socket }).stream
      let writes = 0
      const write = socket._write.bind(socket)
      const writev = socket._writev?.bind(socket)
      socket._write = (...args) => {
        writes += 1
        write(...args)
      }
      if (writev)
        socket._writev = (...args) => {
          writes += 1
          writev(...args)
        }
      const confirmed = Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<void>((resolve, reject) =>
            ch.publish('', 'oms.coalesce-test.nowhere', Buffer.from(`message ${i}`), {}, (err) =>
              err ? reject(err) : resolve(),
            ),
          ),
      )
      await Promise.all(confirmed)
      // Fifty publishes in one tick: one writev (a few more if the socket pushed back).
      expect(writes).toBeGreaterThan(0)
      expect(writes).toBeLessThanOrEqual(5)
      await ch.close()
    } finally {
      await model.close()
    }
  })
})
