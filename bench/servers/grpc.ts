/**
 * Bench child for the gRPC benchmark: `StockService.CheckStock` either hosted by the runtime
 * (`runtime`: the stock.check-stock function on the runtime's gRPC server) or on a raw
 * @grpc/grpc-js server (`raw`) running the same handler logic on the same embedded store.
 *
 *   node --import tsx bench/servers/grpc.ts runtime|raw     (GRPC_PORT from the environment)
 */
import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js'
import { stock } from '../../functions/stock/domain.ts'
import {
  type CheckStockRequest,
  type CheckStockResponse,
  StockServiceService,
} from '../../proto/gen/oms.ts'
import { memoryDocuments } from '../../runtime/adapters/documents/memory/memory-documents.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime } from '../../runtime/host.ts'
import { dataOf } from '../../test/fixtures.ts'
import { serveParent } from './parent.ts'

const mode = process.argv[2]

if (mode === 'runtime') {
  const runtime = await createRuntime({
    functions: await loadFunctions(['stock.check-stock']),
  })
  await runtime.start()
  serveParent({ port: runtime.bound.grpcPort }, {}, () => runtime.stop())
} else if (mode === 'raw') {
  // The same embedded store and repository, prepared and seeded as the runtime does for stock.
  const store = memoryDocuments()
  await store.prepare(
    stock.name,
    Object.values(stock.spec.data?.collections ?? {}).map((c) => c.spec),
  )
  const levelsOf = dataOf(stock, store)
  await stock.spec.seed?.(levelsOf)
  const server = new Server()
  server.addService(StockServiceService, {
    // The same logic as functions/stock/check-stock.ts, without the runtime around it.
    checkStock(
      call: ServerUnaryCall<CheckStockRequest, CheckStockResponse>,
      callback: sendUnaryData<CheckStockResponse>,
    ) {
      const { items } = call.request
      levelsOf.levels(items.map((i) => i.id)).then((levels) => {
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
