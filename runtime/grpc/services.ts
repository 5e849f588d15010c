/**
 * The gRPC services of proto/oms.proto, which domain owns each, and the request/response
 * types derived from the generated definitions (never written by hand).
 */
import * as messages from '../../proto/gen/oms.ts'
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

export interface UnaryMethod {
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

/** The RPC's own name: `listItems` → `ListItems`, as in the proto and the call's path. */
export function rpcMethodOf(service: ServiceKey, method: string): string {
  return methodOf(service, method).path.split('/')[2] ?? method
}

interface MessageCopier {
  fromPartial(object: never): unknown
}

function messageType(name: string): MessageCopier {
  const found = (messages as unknown as Record<string, MessageCopier | undefined>)[name]
  if (typeof found?.fromPartial !== 'function') throw new Error(`proto/gen has no message ${name}`)
  return found
}

export interface MessageCopies {
  /** A copy of `request` through its generated message type (unknown fields dropped, defaults filled). */
  request(request: unknown): unknown
  response(response: unknown): unknown
}

/**
 * Copies of a method's request and response through their generated message types, as the
 * wire would give them (only the schema's fields, defaults filled, nothing shared with the
 * caller). buf's STANDARD lint names them `<Rpc>Request` and `<Rpc>Response`.
 */
export function messageCopies(service: ServiceKey, method: string): MessageCopies {
  const rpc = rpcMethodOf(service, method)
  const request = messageType(`${rpc}Request`)
  const response = messageType(`${rpc}Response`)
  return {
    request: (value) => request.fromPartial(value as never),
    response: (value) => response.fromPartial(value as never),
  }
}
