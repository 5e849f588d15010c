/**
 * The gRPC binding: every hosted method on one grpc-js server, registered where callers find
 * it. In process or over the wire, a handler runs in a SERVER span (child of the caller's).
 */

import { type Binding, type BindingDeps, type Hosted, hostedNamed } from '../model/binding.ts'
import type { GrpcFunction } from '../model/define.ts'
import { messageCopies, rpcMethodOf } from '../model/grpc-service.ts'
import { inSpan, SpanKind } from '../telemetry/spans.ts'
import type { LocalInvoker } from './clients.ts'
import { type GrpcServer, startGrpcServer } from './server.ts'

export interface GrpcBinding extends Binding {
  /** The in-process implementation of a hosted method's function (for in-process calls). */
  invoker(name: string): LocalInvoker | undefined
  /** The port served, once started. */
  readonly port: number | undefined
}

export function prepareGrpc(
  hosted: readonly Hosted<GrpcFunction>[],
  deps: BindingDeps,
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
    invokers.set(fn.name, (request) => inSpan(tracer, spanName, spec, () => handler(request, ctx)))
  }
  let server: GrpcServer | undefined

  return {
    invoker: (name) => invokers.get(name),
    get port() {
      return server?.port
    },
    async start() {
      if (hosted.length === 0) return
      server = await startGrpcServer(
        hosted.map(({ fn }) => ({
          service: fn.def.service,
          method: fn.def.method,
          invoke: invokers.get(fn.name) as LocalInvoker,
        })),
        { host: deps.config.host, port: deps.config.grpcPort },
        deps.log,
      )
      for (const { fn } of hosted) await deps.register(fn, server.port, 'grpc')
    },
    async stop() {
      await server?.stop()
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
