/**
 * A gRPC health probe (grpc.health.v1 Check) for container health checks, built as
 * `dist/health-probe.mjs`: `node dist/health-probe.mjs [host:port] [service]` exits 0 when the
 * server answers SERVING within 2 s, else 1, saying why. The address defaults to
 * `127.0.0.1:$GRPC_PORT`; under mutual TLS (OMS_TLS_*) it presents the process's certificate.
 */
import { readFileSync } from 'node:fs'
import { type ChannelCredentials, credentials, Metadata, type ServiceError } from '@grpc/grpc-js'
import {
  HealthClient,
  HealthCheckResponse_ServingStatus as Serving,
} from '../../proto/gen/grpc/health/v1/health.ts'

/** Plaintext, or the process's own mutual TLS when OMS_TLS_* are set (as in its container). */
function channelCredentials(env: NodeJS.ProcessEnv): ChannelCredentials {
  const { OMS_TLS_CA: ca, OMS_TLS_CERT: cert, OMS_TLS_KEY: key } = env
  if (!ca || !cert || !key) return credentials.createInsecure()
  return credentials.createSsl(readFileSync(ca), readFileSync(key), readFileSync(cert))
}

export function probe(
  address: string,
  service = '',
  timeoutMs = 2_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const client = new HealthClient(address, channelCredentials(env))
  return new Promise<string>((resolve) => {
    client.check(
      { service },
      new Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err: ServiceError | null, res) => {
        client.close()
        resolve(err ? `error: ${err.details || err.message}` : (Serving[res.status] ?? 'UNKNOWN'))
      },
    )
  })
}

const [, , address = `127.0.0.1:${process.env.GRPC_PORT ?? '50051'}`, service = ''] = process.argv
if (process.argv[1]?.endsWith('health-probe.mjs')) {
  const answer = await probe(address, service)
  process.stdout.write(`${address}${service ? ` ${service}` : ''}: ${answer}\n`)
  process.exit(answer === 'SERVING' ? 0 : 1)
}
