/**
 * The gRPC services of proto/oms.proto, which domain owns each, and the request/response
 * types derived from the generated definitions (never written by hand).
 */
import {
  MenuServiceService,
  OrderServiceService,
  StockServiceService,
} from '../../proto/gen/oms.ts'

export const SERVICES = {
  orders: { definition: OrderServiceService, serviceName: 'oms.v1.OrderService' },
  stock: { definition: StockServiceService, serviceName: 'oms.v1.StockService' },
  menu: { definition: MenuServiceService, serviceName: 'oms.v1.MenuService' },
} as const

export type ServiceKey = keyof typeof SERVICES
export type ServiceDefinitionOf<S extends ServiceKey> = (typeof SERVICES)[S]['definition']
export type MethodName<S extends ServiceKey> = keyof ServiceDefinitionOf<S> & string

interface UnaryMethod {
  path: string
  requestSerialize: (value: never) => Buffer
  requestDeserialize: (value: Buffer) => unknown
  responseSerialize: (value: never) => Buffer
  responseDeserialize: (value: Buffer) => unknown
}

export type RequestOf<
  S extends ServiceKey,
  M extends MethodName<S>,
> = ServiceDefinitionOf<S>[M] extends { requestDeserialize: (value: Buffer) => infer R } ? R : never
export type ResponseOf<
  S extends ServiceKey,
  M extends MethodName<S>,
> = ServiceDefinitionOf<S>[M] extends { responseDeserialize: (value: Buffer) => infer R }
  ? R
  : never

/** A promise-returning client for one service. */
export type ServiceClient<S extends ServiceKey> = {
  [M in MethodName<S>]: (request: RequestOf<S, M>) => Promise<ResponseOf<S, M>>
}

export type Clients = { [S in ServiceKey]: ServiceClient<S> }

export function methodOf(service: ServiceKey, method: string): UnaryMethod {
  const definition = SERVICES[service].definition as unknown as Record<string, UnaryMethod>
  const found = definition[method]
  if (!found) throw new Error(`${SERVICES[service].serviceName} has no method ${method}`)
  return found
}

/** `createOrder` → `create-order`: the file and function name that implements a method. */
export function kebab(method: string): string {
  return method.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** The function that implements a method, by convention `<domain>.<kebab-method>`. */
export function functionForMethod(service: ServiceKey, method: string): string {
  return `${service}.${kebab(method)}`
}
