/**
 * One gRPC call as an outsider makes it: a raw grpc-js client, the method's path and codecs,
 * the metadata given (or none). Resolves with the status code (OK when it succeeded).
 */
import { type Client, Metadata, type ServiceError, status } from '@grpc/grpc-js'
import type { UnaryMethod } from '../../runtime/model/grpc-service.ts'

export function rawCall(
  client: Client,
  m: UnaryMethod,
  request: unknown,
  headers: Record<string, string> = {},
): Promise<number> {
  const metadata = new Metadata()
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v)
  return new Promise((resolve) =>
    client.makeUnaryRequest(
      m.path,
      m.requestSerialize as (value: unknown) => Buffer,
      m.responseDeserialize,
      request,
      metadata,
      { deadline: Date.now() + 5_000 },
      (err: ServiceError | null) => resolve(err ? err.code : status.OK),
    ),
  )
}
