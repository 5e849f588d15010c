/**
 * A gRPC service as the domains share it: the generated grpc-js definition (from `proto/`),
 * the generated message types (for in-process calls, which copy messages through them) and
 * the domain that serves it. The serving domain implements each method in the file named
 * after it (`CreateOrder` → `create-order.ts`); callers list the services they call.
 */

import type { Caller, CallOptions } from '../grpc/caller.ts'

export interface UnaryMethod {
  path: string
  requestSerialize: (value: never) => Buffer
  requestDeserialize: (value: Buffer) => unknown
  responseSerialize: (value: never) => Buffer
  responseDeserialize: (value: Buffer) => unknown
}

export type ServiceDefinition = Readonly<Record<string, UnaryMethod>>

interface MessageCopier {
  fromPartial(object: never): unknown
}

const SERVICE = Symbol.for('oms.grpc-service')

export interface GrpcService<Def extends ServiceDefinition = ServiceDefinition> {
  readonly [SERVICE]: true
  /** The serving domain. */
  readonly domain: string
  /** The full name, e.g. `oms.v1.OrderService`. */
  readonly name: string
  readonly definition: Def
  /** The generated module's message types, by name. */
  readonly messages: Readonly<Record<string, MessageCopier | undefined>>
}

/** Names `X` for which the module exports the definition `XService`. */
export type ServiceNames<M> = {
  [K in keyof M]: K extends `${infer Name}Service`
    ? M[K] extends ServiceDefinition
      ? Name
      : never
    : never
}[keyof M]

/**
 * The service `name` of a generated module, served by `domain`:
 * `grpcService(proto, 'LedgerService', 'billing')` for `proto.LedgerServiceService`.
 */
export function grpcService<M extends object, N extends ServiceNames<M> & string>(
  module: M,
  name: N,
  domain: string,
): GrpcService<Extract<M[`${N}Service` & keyof M], ServiceDefinition>> {
  const definition = (module as Record<string, unknown>)[`${name}Service`] as ServiceDefinition
  const first = Object.values(definition)[0]
  const fullName = first?.path.split('/')[1]
  if (!fullName) throw new Error(`${name}Service has no methods`)
  return {
    [SERVICE]: true,
    domain,
    name: fullName,
    definition: definition as Extract<M[`${N}Service` & keyof M], ServiceDefinition>,
    messages: module as Record<string, MessageCopier | undefined>,
  }
}

export type MethodName<Def extends ServiceDefinition> = keyof Def & string

export type RequestOf<Def extends ServiceDefinition, M extends MethodName<Def>> = Def[M] extends {
  requestDeserialize: (value: Buffer) => infer R
}
  ? R
  : never

export type ResponseOf<Def extends ServiceDefinition, M extends MethodName<Def>> = Def[M] extends {
  responseDeserialize: (value: Buffer) => infer R
}
  ? R
  : never

/** A promise-returning client for one service. */
export type ServiceClient<Def extends ServiceDefinition> = {
  [M in MethodName<Def>]: (
    request: RequestOf<Def, M>,
    options?: CallOptions,
  ) => Promise<ResponseOf<Def, M>>
}

/**
 * Who may call a method of a domain's service, by calling domain: `true`, `'admin'` (only
 * for a user it authenticated as admin, e.g. a front door's admin routes), `'staff'` (for a
 * user it authenticated as staff or admin), or a check of the request (e.g. a domain may move
 * a record only to some states).
 */
export type AccessRule<Req> = true | 'admin' | 'staff' | AccessCheck<Req>
/**
 * A check of the request, and of whom the call is made for (a method's parameter, so domains of
 * any service fit `AnyDomain`).
 */
type AccessCheck<Req> = { check(request: Req, caller: Caller): boolean }['check']

/** Per method of the served service, the domains that may call it, `'*'` for any (others are refused). */
export type AccessSpec<Def extends ServiceDefinition> = {
  readonly [M in MethodName<Def>]?: Readonly<Record<string, AccessRule<RequestOf<Def, M>>>>
}

/** The services a domain calls, by the name it calls them under. */
export type ClientsSpec = Readonly<Record<string, GrpcService>>

export type ClientsOf<C extends ClientsSpec> = {
  readonly [K in keyof C]: C[K] extends GrpcService<infer Def> ? ServiceClient<Def> : never
}

/** `createOrder` → `create-order`: the file and function name that implements a method. */
export function kebab(method: string): string {
  return method.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/** The function that implements a method: `<serving domain>.<kebab-method>`. */
export function functionForMethod(service: GrpcService, method: string): string {
  return `${service.domain}.${kebab(method)}`
}

export function methodOf(service: GrpcService, method: string): UnaryMethod {
  const found = service.definition[method]
  if (!found) throw new Error(`${service.name} has no method ${method}`)
  return found
}

/** The RPC's own name: `listItems` → `ListItems`, as in the proto and the call's path. */
export function rpcMethodOf(service: GrpcService, method: string): string {
  return methodOf(service, method).path.split('/')[2] ?? method
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
export function messageCopies(service: GrpcService, method: string): MessageCopies {
  const rpc = rpcMethodOf(service, method)
  const type = (name: string) => {
    const found = service.messages[name]
    if (typeof found?.fromPartial !== 'function')
      throw new Error(`the module of ${service.name} has no message ${name}`)
    return found
  }
  const request = type(`${rpc}Request`)
  const response = type(`${rpc}Response`)
  return {
    request: (value) => request.fromPartial(value as never),
    response: (value) => response.fromPartial(value as never),
  }
}
