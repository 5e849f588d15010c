/**
 * The gRPC services between the domains, generated from proto/oms.proto, each with the domain
 * that serves it. A domain lists the ones it calls as its clients.
 */
import * as proto from '../proto/gen/oms.ts'
import { grpcService } from '../runtime/model/grpc-service.ts'

export const menuService = grpcService(proto, 'MenuService', 'menu')
export const stockService = grpcService(proto, 'StockService', 'stock')
export const orderService = grpcService(proto, 'OrderService', 'orders')
export const kitchenService = grpcService(proto, 'KitchenService', 'kitchen')
