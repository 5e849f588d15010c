/**
 * A TCP proxy in front of a MongoDB wire-protocol server that runs one command at a time across
 * all its client connections: each request waits until the one before it, from any connection,
 * has been answered.
 *
 * For FerretDB 1.x, where an update is a read, a change and a write with nothing stopping
 * another connection in between (test/servers/ferretdb.ts): one connection per process
 * (maxPoolSize=1) makes each command run alone within a process, and this makes it so across
 * processes too — what MongoDB guarantees per document, so a guarded update claims a document
 * for one caller only. Each client connection keeps its own upstream connection (handshakes,
 * cursors and sessions stay per connection).
 */
import { createServer, type Socket, connect as tcp } from 'node:net'

/** OP_MSG's opcode and its flag for "no reply follows / more replies follow". */
const OP_MSG = 2013
const MORE_TO_COME = 1 << 1

/** Splits a stream into wire-protocol messages (each starts with its int32 length). */
export function framer(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0)
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 4) {
      const length = pending.readInt32LE(0)
      if (pending.length < length) break
      onMessage(pending.subarray(0, length))
      pending = pending.subarray(length)
    }
  }
}

/** Does a message say more replies follow (a reply), or no reply is wanted (a request)? */
const moreToCome = (message: Buffer) =>
  message.readInt32LE(12) === OP_MSG && (message.readUInt32LE(16) & MORE_TO_COME) !== 0

export interface SerialProxy {
  port: number
  close(): Promise<void>
}

export async function startSerialMongoProxy(target: {
  host: string
  port: number
}): Promise<SerialProxy> {
  const sockets = new Set<Socket>()
  /** The end of the chain of requests: each runs once the previous one was answered. */
  let turn: Promise<void> = Promise.resolve()

  const server = createServer((client) => {
    const upstream = tcp(target)
    sockets.add(client)
    sockets.add(upstream)
    let answered: (() => void) | undefined
    const done = () => {
      answered?.()
      answered = undefined
    }
    const close = () => {
      done()
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)

    upstream.on(
      'data',
      framer((reply) => {
        client.write(reply)
        if (!moreToCome(reply)) done()
      }),
    )
    client.on(
      'data',
      framer((request) => {
        const message = Buffer.from(request)
        turn = turn.then(
          () =>
            new Promise<void>((resolve) => {
              if (upstream.destroyed) return resolve()
              upstream.write(message)
              if (moreToCome(message)) return resolve()
              answered = resolve
            }),
        )
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
