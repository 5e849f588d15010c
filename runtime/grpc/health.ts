/**
 * The standard gRPC health service (grpc.health.v1) of a process's gRPC server: the whole
 * server (`''`) and each service it serves report SERVING while it serves, NOT_SERVING once it
 * stops taking calls; any other name is NOT_FOUND (Check) or SERVICE_UNKNOWN (Watch). Probes
 * call it without the internal credential, as orchestrators do.
 */
import { status as grpcStatus, type Server, type ServerWritableStream } from '@grpc/grpc-js'
import {
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
  HealthService,
  HealthCheckResponse_ServingStatus as Serving,
} from '../../proto/gen/grpc/health/v1/health.ts'

export interface Health {
  /** Every name reports NOT_SERVING from now on (the server is stopping). */
  stopServing(): void
}

export function addHealth(server: Server, services: readonly string[]): Health {
  const names = new Set(['', ...services])
  let serving = true
  const watchers = new Set<ServerWritableStream<HealthCheckRequest, HealthCheckResponse>>()
  const statusOf = (name: string) =>
    !names.has(name) ? Serving.SERVICE_UNKNOWN : serving ? Serving.SERVING : Serving.NOT_SERVING

  const impl: HealthServer = {
    check(call, callback) {
      const name = call.request.service
      if (!names.has(name))
        return callback({ code: grpcStatus.NOT_FOUND, details: `unknown service ${name}` })
      callback(null, { status: statusOf(name) })
    },
    watch(call) {
      call.write({ status: statusOf(call.request.service) })
      watchers.add(call)
      call.on('cancelled', () => watchers.delete(call))
    },
  }
  server.addService(HealthService, impl)
  return {
    stopServing() {
      serving = false
      for (const call of watchers) {
        call.write({ status: statusOf(call.request.service) })
        call.end()
      }
      watchers.clear()
    },
  }
}
