/** One grpc-js server per process, serving every hosted gRPC function's method. */

import type { PeerCertificate } from 'node:tls'
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { context, propagation, type TextMapGetter } from '@opentelemetry/api'
import { hasBearer } from '../http/bearer.ts'
import type { GrpcService } from '../model/grpc-service.ts'
import type { Logger } from '../ports/logger.ts'
import { CALLER_KEY, type Caller, ON_BEHALF_KEY } from './caller.ts'
import type { LocalInvoker } from './clients.ts'
import { toServiceError } from './errors.ts'
import { addHealth } from './health.ts'

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

/** A metadata value as text (the first one), or undefined. */
function text(m: Metadata, key: string): string | undefined {
  const [value] = m.get(key)
  return typeof value === 'string' ? value : undefined
}

/** Who the call says it comes from. */
function callerOf(m: Metadata): Caller {
  const onBehalf = text(m, ON_BEHALF_KEY)
  return {
    domain: text(m, CALLER_KEY) ?? '',
    ...(onBehalf === 'admin' && { onBehalfOf: 'admin' as const }),
  }
}

/** A port in use, said as a busy HTTP port is (grpc-js only names it inside its message). */
function bindError(err: Error, address: { host: string; port: number }): Error {
  if (!/EADDRINUSE/.test(err.message)) return err
  return Object.assign(
    new Error(
      `cannot listen on ${address.host}:${address.port} for gRPC: the address is in use (set GRPC_PORT to another port)`,
    ),
    { code: 'EADDRINUSE', grpc: true },
  )
}

export interface ServerAuth {
  /** OMS_INTERNAL_TOKEN: every call must carry it (`authorization: Bearer <token>`). */
  token?: string
  /** Mutual TLS: callers prove their domain by their certificate's subject CN. */
  tls?: ServerCredentials
}

/** What grpc-js tells of a call's transport (its peer certificate under TLS). */
interface AuthContext {
  sslPeerCertificate?: PeerCertificate
}

/** The domain a caller's certificate names (mutual TLS), if any. */
function certifiedDomain(call: { getAuthContext?: () => AuthContext }): string | undefined {
  const cn = call.getAuthContext?.().sslPeerCertificate?.subject?.CN
  return typeof cn === 'string' && cn !== '' ? cn : undefined
}

/** How long a caller's connection lives before the server asks it to reconnect (5 min). */
export const MAX_CONNECTION_AGE_MS = 300_000

export async function startGrpcServer(
  methods: readonly HostedMethod[],
  address: { host: string; port: number },
  log: Logger,
  auth: ServerAuth = {},
): Promise<GrpcServer> {
  // Connections are closed gracefully after a while, so callers resolve their addresses again
  // and spread calls over servers started since (a scaled-out Kubernetes unit).
  const server = new Server({
    'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': 30_000,
  })
  const byService = new Map<GrpcService, UntypedServiceImplementation>()
  for (const { service, method, invoke } of methods) {
    const impl = byService.get(service) ?? {}
    impl[method] = (
      call: { request: unknown; metadata: Metadata; getAuthContext?: () => AuthContext },
      callback: (err: Partial<ServiceError> | null, res?: unknown) => void,
    ) => {
      // Before anything runs: the internal credential, when one is configured.
      if (auth.token && !hasBearer(text(call.metadata, 'authorization'), auth.token)) {
        callback({
          code: status.UNAUTHENTICATED,
          details: 'a valid internal credential is required (OMS_INTERNAL_TOKEN)',
        })
        return
      }
      const claimed = callerOf(call.metadata)
      // Under mutual TLS the certificate names the caller; what the call says is not taken.
      const certified = auth.tls ? certifiedDomain(call) : undefined
      if (auth.tls && !certified) {
        callback({ code: status.UNAUTHENTICATED, details: 'no client certificate naming a domain' })
        return
      }
      const caller: Caller = certified ? { ...claimed, domain: certified } : claimed
      // The caller's trace context arrives in the metadata; the handler's span is its child.
      const [traceparent] = call.metadata.get('traceparent')
      const answer =
        typeof traceparent === 'string'
          ? context.with(
              propagation.extract(context.active(), call.metadata, metadataGetter),
              invoke,
              undefined,
              call.request,
              caller,
            )
          : invoke(call.request, caller)
      answer.then(
        (response) => callback(null, response),
        (err: unknown) => callback(toServiceError(err, log)),
      )
    }
    byService.set(service, impl)
  }
  for (const [service, impl] of byService)
    server.addService(service.definition as unknown as ServiceDefinition, impl)
  const health = addHealth(
    server,
    [...byService.keys()].map((s) => s.name),
  )
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${address.host}:${address.port}`,
      auth.tls ?? ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(bindError(err, address)) : resolve(bound)),
    ),
  )
  return {
    port,
    stop(graceMs = 10_000) {
      health.stopServing()
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
