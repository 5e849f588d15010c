/**
 * One write system call per batch of frames instead of one per frame. amqplib's multiplexer
 * hands the socket the frames queued on all channels (publishes, acks) one `write` at a time,
 * and with Nagle's algorithm off (`noDelay`, needed so confirms do not wait ~40 ms) each is a
 * system call and a TCP segment of its own: on a small VM most of the bus's CPU time. Corking
 * the socket while the multiplexer runs sends everything it had queued in one writev.
 *
 * This reaches into amqplib's connection (`connection.muxer._readIncoming` and
 * `connection.stream`), which its types do not show; when either is missing (another amqplib
 * version) it changes nothing and says so.
 */
import type { ChannelModel } from 'amqplib'

interface Corkable {
  cork(): void
  uncork(): void
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

const isCorkable = (value: unknown): value is Corkable =>
  isObject(value) && typeof value.cork === 'function' && typeof value.uncork === 'function'

/** Makes `model`'s connection write each multiplexer pass at once; false when it cannot. */
export function coalesceWrites(model: ChannelModel): boolean {
  const connection: unknown = model.connection
  if (!isObject(connection)) return false
  const { stream, muxer } = connection
  if (!isCorkable(stream) || !isObject(muxer)) return false
  const pass = muxer._readIncoming
  if (typeof pass !== 'function') return false
  muxer._readIncoming = function readIncomingCorked(this: unknown) {
    stream.cork()
    try {
      pass.call(this)
    } finally {
      stream.uncork()
    }
  }
  return true
}
