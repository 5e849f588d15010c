/**
 * A server-sent events stream (hono's streamSSE) fed by live events: its first message is the
 * state as read now, then one message per change; it is sent again after a gap (the broker was
 * away). A `ping` message every KEEP_ALIVE_MS keeps proxies from closing an idle stream and
 * lets the page notice a dead one (a dropped network closes nothing the browser would notice:
 * a page that hears nothing for a while reconnects). `retry:` tells EventSource how soon to reconnect; when the process
 * stops, the stream ends and the browser reconnects (to this process once restarted, or to
 * another replica) and reads the state again.
 */
import type { Context as HonoContext } from 'hono'
import { streamSSE } from 'hono/streaming'

/** How often an idle stream says it is alive (ms). */
export const KEEP_ALIVE_MS = 15_000
/** How soon the browser reconnects after the stream ended (ms). */
export const RECONNECT_MS = 1000

export interface StreamOut {
  /** Sends one message (in the order sent). */
  send(event: string, data: unknown): void
}

export interface LiveStreamSpec {
  /**
   * Starts listening (resolves once it does, so the snapshot misses nothing); gets `out` to push
   * changes to, `resync` to send the snapshot again, and `end` to end the stream. Returns what
   * stops listening.
   */
  listen(out: StreamOut, resync: () => void, end: () => void): Promise<() => void>
  /** The state now, as the first message (and after each gap). */
  snapshot(): Promise<{ event: string; data: unknown }>
}

export function liveStream(c: HonoContext, spec: LiveStreamSpec): Response {
  c.header('cache-control', 'no-store')
  // No proxy (nginx) may hold the messages back.
  c.header('x-accel-buffering', 'no')
  return streamSSE(c, async (stream) => {
    let writing: Promise<unknown> = Promise.resolve()
    let finish: () => void = () => {}
    const finished = new Promise<void>((resolve) => (finish = resolve))
    let ended = false
    const end = () => {
      if (ended) return
      ended = true
      finish()
    }
    const queue = (write: () => Promise<unknown>) => {
      if (ended) return
      writing = writing.then(write).catch(end)
    }
    const out: StreamOut = {
      send: (event, data) => queue(() => stream.writeSSE({ event, data: JSON.stringify(data) })),
    }
    let first = true
    const sendSnapshot = async () => {
      const { event, data } = await spec.snapshot()
      // The first message also says how soon to reconnect.
      const retry = first ? RECONNECT_MS : undefined
      first = false
      queue(() => stream.writeSSE({ event, data: JSON.stringify(data), ...(retry && { retry }) }))
    }
    const resync = () => void sendSnapshot().catch(end)
    stream.onAbort(end)
    const stop = await spec.listen(out, resync, end)
    try {
      // Not readable now (a service is away): the stream ends, and the browser tries again.
      await sendSnapshot().catch(end)
      const keepAlive = setInterval(
        () => queue(() => stream.writeSSE({ event: 'ping', data: '{}' })),
        KEEP_ALIVE_MS,
      )
      await finished
      clearInterval(keepAlive)
    } finally {
      stop()
      await writing
    }
  })
}
