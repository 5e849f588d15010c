/**
 * A TCP proxy in front of a MongoDB wire-protocol server that counts the commands passing
 * through it, by command and collection (`insert orders.orders`, `findAndModify stock.items`):
 * what a store adapter really sends, to hold a code path to its budget of store commands.
 */
import { createServer, type Socket, connect as tcp } from 'node:net'
import { framer } from './serial-mongo-proxy.ts'

/** OP_MSG's opcode. */
const OP_MSG = 2013
/** What drivers send on their own (handshakes, heartbeats, sessions), not counted. */
const HOUSEKEEPING = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'buildInfo',
  'buildinfo',
  'endSessions',
  'saslStart',
  'saslContinue',
  'getParameter',
])

/** `<command> <collection>` of an OP_MSG request (its body's first field and its value). */
function commandOf(message: Buffer): string | undefined {
  if (message.length < 27 || message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return
  const type = message[25]
  const nameEnd = message.indexOf(0, 26)
  const name = message.toString('utf8', 26, nameEnd)
  if (type !== 0x02) return name
  const length = message.readInt32LE(nameEnd + 1)
  return `${name} ${message.toString('utf8', nameEnd + 5, nameEnd + 4 + length)}`
}

export interface CountingProxy {
  port: number
  /** Commands seen since the last reset, by `<command> <collection>`. */
  counts(): Map<string, number>
  /** All counted commands since the last reset. */
  total(): number
  reset(): void
  close(): Promise<void>
}

export async function startCountingMongoProxy(target: {
  host: string
  port: number
}): Promise<CountingProxy> {
  const sockets = new Set<Socket>()
  let counts = new Map<string, number>()
  const server = createServer((client) => {
    const upstream = tcp(target)
    sockets.add(client)
    sockets.add(upstream)
    const close = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
    upstream.on('data', (reply) => client.write(reply))
    client.on(
      'data',
      framer((request) => {
        const command = commandOf(request)
        if (command && !HOUSEKEEPING.has(command.split(' ')[0] as string))
          counts.set(command, (counts.get(command) ?? 0) + 1)
        upstream.write(Buffer.from(request))
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    counts: () => new Map(counts),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset() {
      counts = new Map()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
