/**
 * Bench child for the gRPC benchmark: `StockService.CheckStock` either hosted by the runtime
 * (`runtime`: the stock.check-stock function on the runtime's gRPC server) or on a raw
 * @grpc/grpc-js server (`raw`) running the same handler logic on the same embedded store.
 *
 *   node --import tsx bench/servers/grpc.ts runtime|raw     (GRPC_PORT from the environment)
 */
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js'
import {
  type CheckStockRequest,
  type CheckStockResponse,
  StockServiceService,
} from '../../proto/gen/oms.ts'
import { memoryStore } from '../../runtime/adapters/store/memory-store.ts'
import { seedIfEmpty } from '../../runtime/adapters/store/seed.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { loadConfig } from '../../runtime/config.ts'
import { createRuntime } from '../../runtime/host.ts'
import { serveParent } from './parent.ts'

const mode = process.argv[2]

if (mode === 'runtime') {
  const runtime = await createRuntime({
    config: loadConfig(),
    functions: await loadFunctions(['stock.check-stock']),
  })
  await runtime.start()
  serveParent({ port: runtime.bound.grpcPort }, {}, () => runtime.stop())
} else if (mode === 'raw') {
  const store = memoryStore()
  await seedIfEmpty(store)
  const server = new Server()
  server.addService(StockServiceService, {
    // The same logic as functions/stock/check-stock.ts, without the runtime around it.
    checkStock(
      call: ServerUnaryCall<CheckStockRequest, CheckStockResponse>,
      callback: sendUnaryData<CheckStockResponse>,
    ) {
      const { items } = call.request
      store.stock.levels(items.map((i) => i.id)).then((levels) => {
        const availableOf = new Map(levels.map((l) => [l.itemId, l.available]))
        const inStock = items.every((i) => (availableOf.get(i.id) ?? 0) >= i.quantity)
        callback(null, { inStock, levels })
      }, callback)
    },
  })
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${process.env.GRPC_PORT ?? 0}`,
      ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  )
  serveParent({ port }, {}, async () => {
    server.forceShutdown()
  })
} else {
  throw new Error(`usage: grpc.ts runtime|raw (got ${mode})`)
}
