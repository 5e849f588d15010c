/** Asking a freshly started process for its first answer: port open, GET /healthz, a gRPC call. */
import type { ChildProcess } from 'node:child_process'
import { get } from 'node:http'
import { connect } from 'node:net'
import { type Client, status } from '@grpc/grpc-js'
import { type GrpcService, methodOf } from '../../runtime/model/grpc-service.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves once something accepts TCP connections on the port (probing every millisecond). */
export async function accepting(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before listening`)
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port })
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    await pause(1)
  }
}

/** GET /healthz on a fresh connection; resolves with the status. */
export function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    }).once('error', reject)
  })
}

export interface GrpcProbe {
  service: GrpcService
  method: string
  request: unknown
}

/** Any answer from the method counts (NOT_FOUND included); only an unreachable server does not. */
export function grpcAnswer(client: Client, probe: GrpcProbe, timeoutMs: number): Promise<void> {
  const m = methodOf(probe.service, probe.method)
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      m.path,
      m.requestSerialize as (value: unknown) => Buffer,
      m.responseDeserialize,
      probe.request,
      { deadline: Date.now() + timeoutMs },
      (err) => (err && err.code === status.UNAVAILABLE ? reject(err) : resolve()),
    ),
  )
}
