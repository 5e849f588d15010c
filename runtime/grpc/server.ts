/** One grpc-js server per process, serving every hosted gRPC function's method. */

import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { context } from '@opentelemetry/api'
import type { Logger } from '../ports/logger.ts'
import { extract } from '../telemetry/spans.ts'
import type { LocalInvoker } from './clients.ts'
import { toServiceError } from './errors.ts'
import { SERVICES, type ServiceKey } from './services.ts'

export interface HostedMethod {
  service: ServiceKey
  method: string
  invoke: LocalInvoker
}

export interface GrpcServer {
  port: number
  /** Stops taking calls and waits for those in flight (forced after `graceMs`). */
  stop(graceMs?: number): Promise<void>
}

export async function startGrpcServer(
  methods: readonly HostedMethod[],
  address: { host: string; port: number },
  log: Logger,
): Promise<GrpcServer> {
  const server = new Server()
  const byService = new Map<ServiceKey, UntypedServiceImplementation>()
  for (const { service, method, invoke } of methods) {
    const impl = byService.get(service) ?? {}
    impl[method] = (
      call: { request: unknown; metadata: Metadata },
      callback: (err: Partial<ServiceError> | null, res?: unknown) => void,
    ) => {
      // The caller's trace context arrives in the metadata; the handler's span is its child.
      const carrier: Record<string, string> = {}
      for (const [key, value] of Object.entries(call.metadata.getMap()))
        carrier[key] = String(value)
      context
        .with(extract(carrier), () => invoke(call.request))
        .then(
          (response) => callback(null, response),
          (err: unknown) => callback(toServiceError(err, log)),
        )
    }
    byService.set(service, impl)
  }
  for (const [service, impl] of byService) server.addService(SERVICES[service].definition, impl)
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
