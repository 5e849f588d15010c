/**
 * Promise clients of the gRPC services. A method hosted in this process is called in
 * process (request and response copied through their generated message types, so it sees
 * what the wire would carry);
 * otherwise the registry names the instances, calls are balanced over them round-robin,
 * and one channel per address is reused. A call made while handling another carries what is
 * left of that one's deadline (or its own timeout, when shorter), is cancelled when that one is
 * given up, and is not made at all once it was.
 */

import { isIP } from 'node:net'
import {
  type ChannelCredentials,
  Client,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from '@grpc/grpc-js'
import { context, propagation, type Tracer } from '@opentelemetry/api'
import { DomainError } from '../../shared/errors.ts'
import type { Call } from '../model/call.ts'
import { activeCall, inCall } from '../model/call-scope.ts'
import { callWithin } from '../model/calls-in-flight.ts'
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
import { CALLER_KEY, type Caller, type CallOptions, ON_BEHALF_KEY } from './caller.ts'
import { fromServiceError } from './errors.ts'

/** A hosted method, called with who calls it (none: the operator's `oms invoke`, tests). */
export type LocalInvoker = (request: unknown, caller?: Caller) => Promise<unknown>

export interface ClientsOptions {
  registry: Registry
  /** The in-process implementation of a function, if this process hosts it. */
  local: (functionName: string) => LocalInvoker | undefined
  /** Deadline per call (default 10 s), or the time left of the call it is made for when less. */
  timeoutMs?: number
  /** OMS_INTERNAL_TOKEN: carried by every call to another process. */
  internalToken?: string
  /** Mutual TLS: the channel credentials presenting this process's certificate. */
  channelCredentials?: ChannelCredentials
}

export interface ClientPool {
  /** Clients of the services, whose calls are CLIENT spans of `tracer` carrying the trace in gRPC metadata. */
  clientsFor<C extends ClientsSpec>(services: C, tracer: Tracer, fn: string): ClientsOf<C>
  close(): void
}

/**
 * How soon a channel tries a lost server again: grpc-js backs off up to 120 s between tries by
 * default; capped at 5 s, callers find a restarted server within seconds. And how it balances.
 */
const RECONNECT = {
  'grpc.initial_reconnect_backoff_ms': 500,
  'grpc.max_reconnect_backoff_ms': 5000,
  // No channelz bookkeeping of every call (nothing here serves channelz).
  'grpc.enable_channelz': 0,
}
/**
 * An address given by name may resolve to several hosts (a Kubernetes headless Service: one
 * record per ready pod): its calls are balanced over all of them, not pinned to the first. An
 * IP address is one host: pick_first, which connects again on the next call once the server is
 * back, where round_robin fails calls fast until its backoff lets it try — a restarted process
 * would refuse calls for seconds.
 */
const BALANCED = {
  ...RECONNECT,
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
}

/** A failure grpc-js reports for a call (not one of ours, such as a given-up call's reason). */
function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof Error &&
    typeof (err as Partial<ServiceError>).code === 'number' &&
    'metadata' in err
  )
}

export function createClients({
  registry,
  local,
  timeoutMs = 10_000,
  internalToken,
  channelCredentials = credentials.createInsecure(),
}: ClientsOptions): ClientPool {
  const channels = new Map<string, Client>()
  const turn = new Map<string, number>()

  const channel = (instance: Instance) => {
    const address = `${instance.host}:${instance.port}`
    let client = channels.get(address)
    if (!client) {
      client = new Client(address, channelCredentials, isIP(instance.host) ? RECONNECT : BALANCED)
      channels.set(address, client)
    }
    return client
  }

  const metadataSetter = { set: (m: Metadata, key: string, value: string) => m.set(key, value) }

  const unary = (client: Client, m: UnaryMethod, request: unknown, caller: Caller) => {
    const call = activeCall()
    if (call?.aborted) return Promise.reject(call.reason)
    const metadata = new Metadata()
    propagation.inject(context.active(), metadata, metadataSetter)
    if (internalToken) metadata.set('authorization', `Bearer ${internalToken}`)
    metadata.set(CALLER_KEY, caller.domain)
    if (caller.onBehalfOf) metadata.set(ON_BEHALF_KEY, caller.onBehalfOf)
    // The caller's remaining time, or this client's own timeout when that is sooner.
    const deadline = Math.min(Date.now() + timeoutMs, call?.deadline ?? Infinity)
    return new Promise<unknown>((resolve, reject) => {
      const cancel = () => sent.cancel()
      const sent = client.makeUnaryRequest(
        m.path,
        m.requestSerialize as (value: unknown) => Buffer,
        m.responseDeserialize,
        request,
        metadata,
        { deadline },
        (err: ServiceError | null, response?: unknown) => {
          call?.offAbort(cancel)
          if (!err) resolve(response)
          // Cancelled because the call it was made for was given up: fail with that reason.
          else reject(call?.aborted && err.code === status.CANCELLED ? call.reason : err)
        },
      )
      call?.onAbort(cancel)
    })
  }

  const remote = async (
    name: string,
    m: UnaryMethod,
    request: unknown,
    caller: Caller,
  ): Promise<unknown> => {
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
        return await unary(channel(instance), m, request, caller)
      } catch (err) {
        if (!isServiceError(err)) throw err
        lastError = fromServiceError(err, name)
        if (err.code !== status.UNAVAILABLE) throw lastError
      }
    }
    throw lastError
  }

  /**
   * In process, the method runs as part of the calling handler's call, within this client's
   * timeout as over the wire.
   */
  const inProcess = (invoke: LocalInvoker, request: unknown, caller: Caller): Promise<unknown> => {
    const call = activeCall()
    if (!call) return invoke(request, caller)
    if (call.aborted) return Promise.reject(call.reason)
    const within: Call = callWithin(call, Date.now() + timeoutMs)
    if (within === call) return invoke(request, caller)
    return inCall(within, invoke, request, caller).finally(() => within.end())
  }

  /** Calls one method: in process (request and response copied through their message types) or remote. */
  const caller = (service: GrpcService, method: string) => {
    const name = functionForMethod(service, method)
    const m = methodOf(service, method)
    const copies = messageCopies(service, method)
    return (request: unknown, caller: Caller): Promise<unknown> => {
      const invoke = local(name)
      if (!invoke) return remote(name, m, request, caller)
      try {
        return inProcess(invoke, copies.request(request), caller).then(copies.response)
      } catch (err) {
        return Promise.reject(err)
      }
    }
  }

  const clientsFor = <C extends ClientsSpec>(services: C, tracer: Tracer, fn: string) => {
    // The calling function's domain: who every call of these clients comes from.
    const domain = fn.split('.')[0] ?? fn
    return Object.fromEntries(
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
              (request: unknown, options: CallOptions = {}) =>
                inSpan(tracer, spanName, spec, () =>
                  call(request, {
                    domain,
                    ...(options.onBehalfOf && { onBehalfOf: options.onBehalfOf }),
                  }),
                ),
            ]
          }),
        ),
      ]),
    ) as unknown as ClientsOf<C>
  }

  return {
    clientsFor,
    close() {
      for (const client of channels.values()) client.close()
      channels.clear()
    },
  }
}
