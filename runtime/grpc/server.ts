/** One grpc-js server per process, serving every hosted gRPC function's method. */

import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { context, propagation, type TextMapGetter } from '@opentelemetry/api'
import type { GrpcService } from '../model/grpc-service.ts'
import type { Logger } from '../ports/logger.ts'
import type { LocalInvoker } from './clients.ts'
import { toServiceError } from './errors.ts'

export interface HostedMethod {
  service: GrpcService
  method: string
  invoke: LocalInvoker
}

export interface GrpcServer {
  port: number
  /** Stops taking calls and waits for those in flight (forced after `graceMs`). */
  stop(graceMs?: number): Promise<void>
}

/** Reads W3C trace context (traceparent, tracestate) from gRPC metadata. */
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (m) => Object.keys(m.getMap()),
  get(m, key) {
    const [value] = m.get(key)
    return typeof value === 'string' ? value : undefined
  },
}

export async function startGrpcServer(
  methods: readonly HostedMethod[],
  address: { host: string; port: number },
  log: Logger,
): Promise<GrpcServer> {
  const server = new Server()
  const byService = new Map<GrpcService, UntypedServiceImplementation>()
  for (const { service, method, invoke } of methods) {
    const impl = byService.get(service) ?? {}
    impl[method] = (
      call: { request: unknown; metadata: Metadata },
      callback: (err: Partial<ServiceError> | null, res?: unknown) => void,
    ) => {
      // The caller's trace context arrives in the metadata; the handler's span is its child.
      const [traceparent] = call.metadata.get('traceparent')
      const answer =
        typeof traceparent === 'string'
          ? context.with(
              propagation.extract(context.active(), call.metadata, metadataGetter),
              invoke,
              undefined,
              call.request,
            )
          : invoke(call.request)
      answer.then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServiceError(err, log)),
      )
    }
    byService.set(service, impl)
  }
  for (const [service, impl] of byService)
    server.addService(service.definition as unknown as ServiceDefinition, impl)
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${address.host}:${address.port}`,
      ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)),
    ),
  )
  return {
    port,
    stop(graceMs = 10_000) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, graceMs)
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      })
    },
  }
}
