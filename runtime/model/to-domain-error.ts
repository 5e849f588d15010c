/**
 * The one place any error becomes an answer from the domain error table: a DomainError is
 * itself; Hono's HTTP exceptions keep their meaning (401 → UNAUTHORIZED, 404 → NOT_FOUND, 413 →
 * PAYLOAD_TOO_LARGE, 503 → UNAVAILABLE, another 4xx → INVALID_REQUEST); a store that cannot be
 * reached, and work that must wait (RetryLater), are UNAVAILABLE; anything else is an unexpected INTERNAL that leaks nothing (the caller logs the original with its stack). Used by
 * the HTTP error handler, the gRPC server, spans and `oms invoke`.
 */
import { HTTPException } from 'hono/http-exception'
import { DomainError, type ErrorCode, isDomainError } from '../../shared/errors.ts'
import { StoreUnavailableError } from '../ports/documents.ts'
import { isRetryLater } from './retry-later.ts'

const BY_HTTP_STATUS: Readonly<Record<number, ErrorCode>> = {
  401: 'UNAUTHORIZED',
  403: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  503: 'UNAVAILABLE',
}

export interface Answer {
  error: DomainError
  /** False for a fault of ours (log it): an INTERNAL made from an unknown error. */
  expected: boolean
}

export function toDomainError(err: unknown): Answer {
  if (isDomainError(err)) return { error: err, expected: true }
  if (err instanceof HTTPException) {
    const code = BY_HTTP_STATUS[err.status] ?? (err.status < 500 ? 'INVALID_REQUEST' : undefined)
    if (code) {
      const fallback =
        code === 'INVALID_REQUEST' ? 'bad request' : code.toLowerCase().replaceAll('_', ' ')
      return { error: new DomainError(code, err.message || fallback), expected: true }
    }
  }
  if (isRetryLater(err)) {
    // Work that cannot be done yet (something else is in flight): the caller tries again.
    return { error: new DomainError('UNAVAILABLE', err.message), expected: true }
  }
  if (err instanceof StoreUnavailableError) {
    // Not a fault of ours or the caller's: UNAVAILABLE, over HTTP and gRPC alike (/healthz
    // says so too).
    const error = new DomainError('UNAVAILABLE', 'the data store is unavailable; try again shortly')
    return { error, expected: true }
  }
  return { error: new DomainError('INTERNAL', 'internal error'), expected: false }
}
