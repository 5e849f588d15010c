/**
 * Promise clients of the gRPC services. A method hosted in this process is called in
 * process (request and response copied through their generated message types, so it sees
 * what the wire would carry);
 * otherwise the registry names the instances, calls are balanced over them round-robin,
 * and one channel per address is reused.
 */
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { context, propagation, type Tracer } from '@opentelemetry/api'
import { DomainError } from '../../shared/errors.ts'
import {
  type ClientsOf,
  type ClientsSpec,
  functionForMethod,
  type GrpcService,
  messageCopies,
  methodOf,
  rpcMethodOf,
  type UnaryMethod,
} from '../model/grpc-service.ts'
import type { Instance, Registry } from '../ports/registry.ts'
import { inSpan, SpanKind } from '../telemetry/spans.ts'
import { fromServiceError } from './errors.ts'

export type LocalInvoker = (request: unknown) => Promise<unknown>

export interface ClientsOptions {
  registry: Registry
  /** The in-process implementation of a function, if this process hosts it. */
  local: (functionName: string) => LocalInvoker | undefined
  /** Deadline per call (default 10 s). */
  timeoutMs?: number
}

export interface ClientPool {
  /** Clients of the services, whose calls are CLIENT spans of `tracer` carrying the trace in gRPC metadata. */
  clientsFor<C extends ClientsSpec>(services: C, tracer: Tracer, fn: string): ClientsOf<C>
  close(): void
}

/**
 * How soon a channel tries a lost server again: grpc-js backs off up to 120 s between tries by
 * default; capped at 5 s, callers find a restarted server within seconds.
 */
const RECONNECT = {
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 5000,
}

export function createClients({ registry, local, timeoutMs = 10_000 }: ClientsOptions): ClientPool {
  const channels = new Map<string, Client>()
  const turn = new Map<string, number>()

  const channel = (instance: Instance) => {
    const address = `${instance.host}:${instance.port}`
    let client = channels.get(address)
    if (!client) {
      client = new Client(address, credentials.createInsecure(), RECONNECT)
      channels.set(address, client)
    }
    return client
  }

  const metadataSetter = { set: (m: Metadata, key: string, value: string) => m.set(key, value) }

  const unary = (client: Client, m: UnaryMethod, request: unknown) => {
    const metadata = new Metadata()
    propagation.inject(context.active(), metadata, metadataSetter)
    return new Promise<unknown>((resolve, reject) => {
      client.makeUnaryRequest(
        m.path,
        m.requestSerialize as (value: unknown) => Buffer,
        m.responseDeserialize,
        request,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (err: ServiceError | null, response?: unknown) => (err ? reject(err) : resolve(response)),
      )
    })
  }

  const remote = async (name: string, m: UnaryMethod, request: unknown): Promise<unknown> => {
    const instances = await registry.resolve(name)
    if (instances.length === 0)
      throw new DomainError('UNAVAILABLE', `no instance of ${name} is registered`)
    const start = turn.get(name) ?? 0
    turn.set(name, start + 1)
    let lastError: unknown
    // Try each instance once: an unreachable one is skipped, a domain answer is final.
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[(start + i) % instances.length] as Instance
      try {
        return await unary(channel(instance), m, request)
      } catch (err) {
        const e = err as ServiceError
        lastError = fromServiceError(e, name)
        if (e.code !== status.UNAVAILABLE) throw lastError
      }
    }
    throw lastError
  }

  /** Calls one method: in process (request and response copied through their message types) or remote. */
  const caller = (service: GrpcService, method: string) => {
    const name = functionForMethod(service, method)
    const m = methodOf(service, method)
    const copies = messageCopies(service, method)
    return (request: unknown): Promise<unknown> => {
      const invoke = local(name)
      if (!invoke) return remote(name, m, request)
      try {
        return invoke(copies.request(request)).then(copies.response)
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }

  const clientsFor = <C extends ClientsSpec>(services: C, tracer: Tracer, fn: string) =>
    Object.fromEntries(
      Object.entries(services).map(([key, service]) => [
        key,
        Object.fromEntries(
          Object.keys(service.definition).map((method) => {
            const rpcMethod = rpcMethodOf(service, method)
            const attributes = {
              'rpc.system': 'grpc',
              'rpc.service': service.name,
              'rpc.method': rpcMethod,
              'faas.name': fn,
            }
            const spanName = `${service.name}/${rpcMethod}`
            const call = caller(service, method)
            const spec = { kind: SpanKind.CLIENT, attributes }
            return [
              method,
              (request: unknown) => inSpan(tracer, spanName, spec, () => call(request)),
            ]
          }),
        ),
      ]),
    ) as unknown as ClientsOf<C>

  return {
    clientsFor,
    close() {
      for (const client of channels.values()) client.close()
      channels.clear()
    },
  }
}
