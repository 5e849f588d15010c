/**
 * One grpc-js server per process, serving every hosted gRPC function's method. Each call runs
 * as a call of its own (call.ts) with the deadline its caller sent, given up when the caller
 * cancels; past `maxInFlight` calls at once, or once stopping, a call is refused at once with
 * UNAVAILABLE (its caller tries another instance), and one whose deadline already passed with
 * DEADLINE_EXCEEDED.
 */

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
import { DomainError } from '../../shared/errors.ts'
import { hasBearer } from '../http/bearer.ts'
import { inCall } from '../model/call-scope.ts'
import type { CallsInFlight } from '../model/calls-in-flight.ts'
import type { GrpcService } from '../model/grpc-service.ts'
import type { Logger } from '../ports/logger.ts'
import { CALLER_KEY, type Caller, isUserRole, ON_BEHALF_KEY } from './caller.ts'
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
  /**
   * Stops taking calls and waits for those in flight; after `graceMs` gives them up (answered
   * UNAVAILABLE), and after `settleMs` more closes every connection.
   */
  stop(graceMs?: number, settleMs?: number): Promise<void>
}

/** What the server bounds. */
export interface ServerLimits {
  /** The calls being answered (opened here, one per call). */
  calls: CallsInFlight
  /** Calls answered at once; one more is refused with UNAVAILABLE. */
  maxInFlight: number
}

/** A deadline as grpc-js gives it (a Date or epoch ms; Infinity for none), in epoch ms. */
function deadlineOf(deadline: Date | number): number {
  return typeof deadline === 'number' ? deadline : deadline.getTime()
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
    ...(isUserRole(onBehalf) && { onBehalfOf: onBehalf }),
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

/** Runs the method in the caller's trace (its context arrives in the metadata): the handler's span is its child. */
function answer(call: IncomingCall, caller: Caller, invoke: LocalInvoker): Promise<unknown> {
  const [traceparent] = call.metadata.get('traceparent')
  return typeof traceparent === 'string'
    ? context.with(
        propagation.extract(context.active(), call.metadata, metadataGetter),
        invoke,
        undefined,
        call.request,
        caller,
      )
    : invoke(call.request, caller)
}

/** How long a caller's connection lives before the server asks it to reconnect (5 min). */
export const MAX_CONNECTION_AGE_MS = 300_000

/** A call the server was handed: what the handlers below read of grpc-js's ServerUnaryCall. */
interface IncomingCall {
  request: unknown
  metadata: Metadata
  getAuthContext?: () => AuthContext
  getDeadline(): Date | number
  on(event: 'cancelled', listener: () => void): unknown
}

const refusal = (err: DomainError, log: Logger) => toServiceError(err, log)

export async function startGrpcServer(
  methods: readonly HostedMethod[],
  address: { host: string; port: number },
  log: Logger,
  auth: ServerAuth = {},
  limits?: ServerLimits,
): Promise<GrpcServer> {
  let stopping = false
  // Connections are closed gracefully after a while, so callers resolve their addresses again
  // and spread calls over servers started since (a scaled-out Kubernetes unit).
  const server = new Server({
    'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': 30_000,
    // No channelz bookkeeping of every call (nothing here serves channelz).
    'grpc.enable_channelz': 0,
  })
  const byService = new Map<GrpcService, UntypedServiceImplementation>()
  for (const { service, method, invoke } of methods) {
    const impl = byService.get(service) ?? {}
    impl[method] = (
      call: IncomingCall,
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
      if (!limits) {
        answer(call, caller, invoke).then(
          (response) => callback(null, response),
          (err: unknown) => callback(toServiceError(err, log)),
        )
        return
      }
      if (stopping || limits.calls.size >= limits.maxInFlight) {
        const why = stopping ? 'this process is stopping' : 'this process is at its limit of calls'
        callback(refusal(new DomainError('UNAVAILABLE', `${why}; try another instance`), log))
        return
      }
      const deadline = deadlineOf(call.getDeadline())
      if (deadline <= Date.now()) {
        callback(
          refusal(new DomainError('DEADLINE_EXCEEDED', 'the call came past its deadline'), log),
        )
        return
      }
      const running = limits.calls.open(deadline)
      let answered = false
      const reply = (err: Partial<ServiceError> | null, response?: unknown) => {
        if (answered) return
        answered = true
        callback(err, response)
      }
      call.on('cancelled', () => running.abort('cancelled'))
      // Given up while stopping: answered now (grpc-js answers a passed deadline itself).
      running.onAbort((reason) => {
        if (running.cause === 'stopping') reply(toServiceError(reason, log))
      })
      inCall(running, answer, call, caller, invoke).then(
        (response) => {
          running.end()
          reply(null, response)
        },
        (err: unknown) => {
          // A given-up call's failure is its reason (what its work failed with), not a fault.
          const reason = running.reason
          running.end()
          reply(toServiceError(reason ?? err, log))
        },
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
    async stop(graceMs = 10_000, settleMs = 1_000) {
      stopping = true
      health.stopServing()
      const closed = new Promise<void>((resolve) => server.tryShutdown(() => resolve()))
      if (limits && !(await limits.calls.drained(graceMs))) {
        limits.calls.abortAll('stopping')
        await limits.calls.drained(settleMs)
      }
      const timeout = limits ? settleMs : graceMs
      let force: NodeJS.Timeout | undefined
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          force = setTimeout(resolve, timeout)
        }),
      ])
      clearTimeout(force)
      server.forceShutdown()
    },
  }
}
