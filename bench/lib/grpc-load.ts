/**
 * gRPC load: `concurrency` unary CheckStock calls kept in flight for a while, over
 * `channels` client channels (HTTP/2 connections), counting answered calls.
 */
import { credentials, Metadata } from '@grpc/grpc-js'
import { type CheckStockRequest, StockServiceClient } from '../../proto/gen/oms.ts'
import { quantile } from './load.ts'

export interface GrpcLoadOptions {
  address: string
  durationS: number
  concurrency?: number
  channels?: number
  request?: CheckStockRequest
}

export interface GrpcLoadResult {
  /** Answered calls per second. */
  cps: number
  ok: number
  errors: number
  durationS: number
  latencyMs: { p50: number; p99: number }
}

const CHECK: CheckStockRequest = {
  items: [
    { id: 'burger', quantity: 2 },
    { id: 'fries', quantity: 1 },
  ],
}

export async function grpcLoad(options: GrpcLoadOptions): Promise<GrpcLoadResult> {
  const { address, durationS, concurrency = 64, channels = 4, request = CHECK } = options
  // Distinct channel options keep grpc-js from sharing one subchannel between the clients.
  const clients = Array.from(
    { length: channels },
    (_, i) =>
      new StockServiceClient(address, credentials.createInsecure(), {
        'grpc.bench-channel': i,
      } as object),
  )
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve, reject) =>
          c.waitForReady(Date.now() + 10_000, (err) => (err ? reject(err) : resolve())),
        ),
    ),
  )
  // Called as the gateway calls it (stock allows CheckStock to the gateway and orders).
  const metadata = new Metadata()
  metadata.set('x-oms-caller', 'gateway')
  let ok = 0
  let errors = 0
  const times: number[] = []
  const start = performance.now()
  const end = start + durationS * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const client = clients[i % channels] as InstanceType<typeof StockServiceClient>
      while (performance.now() < end) {
        const t0 = performance.now()
        await new Promise<void>((resolve) =>
          client.checkStock(request, metadata, (err) => {
            if (err) errors++
            else {
              ok++
              times.push(performance.now() - t0)
            }
            resolve()
          }),
        )
      }
    }),
  )
  const elapsedS = (performance.now() - start) / 1000
  for (const c of clients) c.close()
  times.sort((a, b) => a - b)
  return {
    cps: ok / elapsedS,
    ok,
    errors,
    durationS: elapsedS,
    latencyMs: { p50: quantile(times, 0.5), p99: quantile(times, 0.99) },
  }
}
