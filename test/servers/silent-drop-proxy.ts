/**
 * A TCP proxy in front of a server that can drop the network silently, as lost Wi-Fi does:
 * `drop()` stops every connection open now from carrying anything, either way, without closing
 * it (no FIN, no RST: neither end notices); connections made after it work again, as once the
 * network is back.
 */
import { connect, createServer, type Socket } from 'node:net'

export interface SilentDropProxy {
  port: number
  /** Connections open now carry nothing more, and stay open. */
  drop(): void
  close(): Promise<void>
}

export async function startSilentDropProxy(target: number): Promise<SilentDropProxy> {
  const open = new Set<[Socket, Socket]>()
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1')
    sockets.add(client).add(upstream)
    const pair: [Socket, Socket] = [client, upstream]
    open.add(pair)
    client.pipe(upstream)
    upstream.pipe(client)
    const forget = () => {
      open.delete(pair)
      sockets.delete(client)
      sockets.delete(upstream)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', forget).on('close', forget)
    upstream.on('error', forget).on('close', forget)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    drop() {
      for (const [client, upstream] of open) {
        client.unpipe(upstream)
        upstream.unpipe(client)
        // Whatever arrives from now on is read and thrown away: nothing reaches the other end.
        client.on('data', () => {})
        upstream.on('data', () => {})
      }
      open.clear()
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
