/**
 * Promise clients of the gRPC services. A method hosted in this process is called in
 * process (through an encode/decode round trip, so it behaves exactly as over the wire);
 * otherwise the registry names the instances, calls are balanced over them round-robin,
 * and one channel per address is reused.
 */
import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import type { Tracer } from '@opentelemetry/api'
import { DomainError } from '../../shared/errors.ts'
import type { Instance, Registry } from '../ports/registry.ts'
import { inject, inSpan, SpanKind } from '../telemetry/spans.ts'
import { fromServiceError } from './errors.ts'
import { type Clients, functionForMethod, methodOf, SERVICES, type ServiceKey } from './services.ts'

export type LocalInvoker = (request: unknown) => Promise<unknown>

export interface ClientsOptions {
  registry: Registry
  /** The in-process implementation of a function, if this process hosts it. */
  local: (functionName: string) => LocalInvoker | undefined
  /** Deadline per call (default 10 s). */
  timeoutMs?: number
}

export interface ClientPool {
  /** Clients whose calls are CLIENT spans of `tracer`, carrying the trace in gRPC metadata. */
  clientsFor(tracer: Tracer, fn: string): Clients
  close(): void
}

export function createClients({ registry, local, timeoutMs = 10_000 }: ClientsOptions): ClientPool {
  const channels = new Map<string, Client>()
  const turn = new Map<string, number>()

  const channel = (instance: Instance) => {
    const address = `${instance.host}:${instance.port}`
    let client = channels.get(address)
    if (!client) {
      client = new Client(address, credentials.createInsecure())
      channels.set(address, client)
    }
    return client
  }

  const unary = (client: Client, service: ServiceKey, method: string, request: unknown) => {
    const m = methodOf(service, method)
    const metadata = new Metadata()
    for (const [key, value] of Object.entries(inject())) metadata.set(key, value)
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

  const call = async (service: ServiceKey, method: string, request: unknown): Promise<unknown> => {
    const name = functionForMethod(service, method)
    const m = methodOf(service, method)
    const invoke = local(name)
    if (invoke) {
      const wireRequest = m.requestDeserialize(m.requestSerialize(request as never))
      const response = await invoke(wireRequest)
      return m.responseDeserialize(m.responseSerialize(response as never))
    }
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
        return await unary(channel(instance), service, method, request)
      } catch (err) {
        const e = err as ServiceError
        lastError = fromServiceError(e, name)
        if (e.code !== status.UNAVAILABLE) throw lastError
      }
    }
    throw lastError
  }

  const clientsFor = (tracer: Tracer, fn: string) =>
    Object.fromEntries(
      (Object.keys(SERVICES) as ServiceKey[]).map((service) => [
        service,
        Object.fromEntries(
          Object.keys(SERVICES[service].definition).map((method) => {
            const rpcMethod = methodOf(service, method).path.split('/')[2] ?? method
            const attributes = {
              'rpc.system': 'grpc',
              'rpc.service': SERVICES[service].serviceName,
              'rpc.method': rpcMethod,
              'faas.name': fn,
            }
            const spanName = `${SERVICES[service].serviceName}/${rpcMethod}`
            return [
              method,
              (request: unknown) =>
                inSpan(tracer, spanName, { kind: SpanKind.CLIENT, attributes }, () =>
                  call(service, method, request),
                ),
            ]
          }),
        ),
      ]),
    ) as unknown as Clients

  return {
    clientsFor,
    close() {
      for (const client of channels.values()) client.close()
      channels.clear()
    },
  }
}
