/**
 * Domain errors across gRPC: the server sends the status from the error table plus the
 * domain code and details in metadata; the client rebuilds the same DomainError.
 */
import { Metadata, type ServiceError, status } from '@grpc/grpc-js'
import { DomainError, fromGrpcStatus } from '../../shared/errors.ts'
import { toDomainError } from '../model/to-domain-error.ts'
import type { Logger } from '../ports/logger.ts'

const CODE_KEY = 'oms-error-code'
const DETAILS_KEY = 'oms-error-details'

export function toServiceError(err: unknown, log: Logger): Partial<ServiceError> {
  const { error, expected } = toDomainError(err)
  if (!expected) {
    log.error({ err }, 'unhandled error in gRPC handler')
    return { code: status.INTERNAL, details: error.message }
  }
  const metadata = new Metadata()
  metadata.set(CODE_KEY, error.code)
  if (error.details !== undefined) metadata.set(DETAILS_KEY, JSON.stringify(error.details))
  return { code: error.grpcStatus, details: error.message, metadata }
}

export function fromServiceError(err: ServiceError, target: string): DomainError {
  const code = err.metadata?.get(CODE_KEY)[0]
  const rawDetails = err.metadata?.get(DETAILS_KEY)[0]
  let details: unknown
  if (typeof rawDetails === 'string') {
    try {
      details = JSON.parse(rawDetails)
    } catch {
      details = undefined
    }
  }
  if (typeof code !== 'string' && err.code === status.UNAVAILABLE) {
    return new DomainError('UNAVAILABLE', `${target} is unavailable: ${err.details}`)
  }
  return fromGrpcStatus(err.code, err.details, typeof code === 'string' ? code : undefined, details)
}
