/**
 * The gRPC binding: every hosted method on one grpc-js server, registered where callers find
 * it. In process or over the wire, a handler runs in a SERVER span (child of the caller's), and
 * each call is counted by method and status code, with its time.
 */
import { status } from '@grpc/grpc-js'
import { DomainError } from '../../shared/errors.ts'
import {
  type Binding,
  type BindingDeps,
  type Hosted,
  hostedNamed,
  SETTLE_MS,
} from '../model/binding.ts'
import { callsInFlight } from '../model/calls-in-flight.ts'
import type { GrpcFunction } from '../model/define.ts'
import type { AnyDomain } from '../model/domain.ts'
import { messageCopies, rpcMethodOf } from '../model/grpc-service.ts'
import { toDomainError } from '../model/to-domain-error.ts'
import { idFieldsOf, inSpan, keyAttributes, SpanKind } from '../telemetry/spans.ts'
import type { Caller } from './caller.ts'
import type { LocalInvoker } from './clients.ts'
import { type GrpcServer, startGrpcServer } from './server.ts'

export interface GrpcBinding extends Binding {
  /** The in-process implementation of a hosted method's function (for in-process calls). */
  invoker(name: string): LocalInvoker | undefined
  /** The port served, once started. */
  readonly port: number | undefined
}

/**
 * Whether the caller may call the method, by the serving domain's `access` declaration. Calls
 * with no caller are the operator's (`oms invoke`) and the domain's own calls are its own.
 */
export function allowed(
  domain: AnyDomain,
  method: string,
  request: unknown,
  caller: Caller | undefined,
): boolean {
  if (!caller || caller.domain === domain.name) return true
  const access = domain.spec.access as
    | Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>
    | undefined
  if (!access) return true
  // A domain's own rule, else the rule for any domain (`'*'`).
  const rule = access[method]?.[caller.domain] ?? access[method]?.['*']
  if (rule === true) return true
  if (rule === 'admin') return caller.onBehalfOf === 'admin'
  if (rule === 'staff') return caller.onBehalfOf === 'staff' || caller.onBehalfOf === 'admin'
  if (typeof rule === 'function')
    return (rule as (request: unknown, caller: Caller) => boolean)(request, caller) === true
  return false
}

/** The gRPC status code name a call's failure is answered with (what the server sends). */
export function statusNameOf(err: unknown): string {
  const { error, expected } = toDomainError(err)
  return status[expected ? error.grpcStatus : status.INTERNAL] ?? 'UNKNOWN'
}

export function prepareGrpc(
  hosted: readonly Hosted<GrpcFunction>[],
  deps: BindingDeps,
  /** Serve gRPC (its health service) even with no method hosted: a process with no other server. */
  { healthOnly = false }: { healthOnly?: boolean } = {},
): GrpcBinding {
  const invokers = new Map<string, LocalInvoker>()
  for (const { fn, ctx, tracer } of hosted) {
    const { service, method } = fn.def
    const handler = fn.def.handler as (request: unknown, ctx: unknown) => Promise<unknown>
    const rpcMethod = rpcMethodOf(service, method)
    const spanName = `${service.name}/${rpcMethod}`
    const spec = {
      kind: SpanKind.SERVER,
      attributes: {
        'rpc.system': 'grpc',
        'rpc.service': service.name,
        'rpc.method': rpcMethod,
        'faas.name': fn.name,
      },
    }
    const domain = fn.def.domain
    const seconds = (started: number) => (performance.now() - started) / 1000
    invokers.set(fn.name, (request, caller) =>
      inSpan(tracer, spanName, spec, async (span) => {
        // Timed inside the span's work: no promise of its own (each costs under async hooks).
        const started = performance.now()
        try {
          // The ids the call is about, for searches by id (the dashboard's journeys).
          if (span.isRecording()) span.setAttributes(keyAttributes(idFieldsOf(request)))
          if (!allowed(domain, method, request, caller))
            throw new DomainError(
              'FORBIDDEN',
              `${caller?.domain || 'an unnamed caller'}${caller?.onBehalfOf ? ` (for ${caller.onBehalfOf === 'admin' ? 'an admin' : 'staff'})` : ''} may not call ${spanName}`,
            )
          const response = await handler(request, ctx)
          deps.metrics.grpcCall(spanName, 'OK', seconds(started))
          return response
        } catch (err) {
          deps.metrics.grpcCall(spanName, statusNameOf(err), seconds(started))
          throw err
        }
      }),
    )
  }
  let server: GrpcServer | undefined
  const calls = callsInFlight()

  return {
    invoker: (name) => invokers.get(name),
    get port() {
      return server?.port
    },
    async start() {
      if (hosted.length === 0 && !healthOnly) return
      server = await startGrpcServer(
        hosted.map(({ fn }) => ({
          service: fn.def.service,
          method: fn.def.method,
          invoke: invokers.get(fn.name) as LocalInvoker,
        })),
        { host: deps.config.grpcHost, port: deps.config.grpcPort },
        deps.log,
        { token: deps.config.internalToken, tls: deps.tls?.server },
        { calls, maxInFlight: deps.config.maxInFlight },
      )
      for (const { fn } of hosted) await deps.register(fn, server.port, 'grpc')
    },
    async stop() {
      await server?.stop(deps.config.shutdownGraceMs, SETTLE_MS)
    },
    async invoke(name, input) {
      const { fn } = hostedNamed(hosted, name)
      // As a call would arrive: only the message's fields, defaults filled.
      const copies = messageCopies(fn.def.service, fn.def.method)
      return copies.response(
        await (invokers.get(name) as LocalInvoker)(copies.request(input ?? {})),
      )
    },
  }
}
