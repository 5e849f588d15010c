/** The error table: every code maps to an HTTP and a gRPC status and survives a gRPC round trip. */
import { describe, expect, it } from 'vitest'
import {
  DomainError,
  ERROR_TABLE,
  type ErrorCode,
  fromGrpcStatus,
  GRPC_STATUS,
  isDomainError,
  isErrorCode,
} from './errors.ts'

const CODES = Object.keys(ERROR_TABLE) as ErrorCode[]

describe('DomainError', () => {
  it.each(CODES)('%s round-trips through its gRPC status and code', (code) => {
    const details = { itemId: 'burger', problems: [{ path: 'x', message: 'y' }] }
    const original = new DomainError(code, `failure ${code}`, details)

    const rebuilt = fromGrpcStatus(original.grpcStatus, original.message, original.code, details)

    expect(isDomainError(rebuilt)).toBe(true)
    expect(rebuilt.code).toBe(code)
    expect(rebuilt.message).toBe(`failure ${code}`)
    expect(rebuilt.details).toEqual(details)
    expect(rebuilt.httpStatus).toBe(ERROR_TABLE[code].http)
    expect(rebuilt.grpcStatus).toBe(ERROR_TABLE[code].grpc)
  })

  it('maps the codes clients depend on to the statuses DESIGN.md promises', () => {
    const http = Object.fromEntries(CODES.map((c) => [c, new DomainError(c, '').httpStatus]))
    expect(http).toMatchObject({
      INVALID_REQUEST: 400,
      INVALID_SIGNATURE: 400,
      UNAUTHORIZED: 401,
      ITEM_NOT_FOUND: 404,
      ORDER_NOT_FOUND: 404,
      OUT_OF_STOCK: 409,
      INVALID_TRANSITION: 409,
      UNAVAILABLE: 503,
      DEADLINE_EXCEEDED: 504,
      INTERNAL: 500,
    })
    expect(new DomainError('OUT_OF_STOCK', '').grpcStatus).toBe(GRPC_STATUS.FAILED_PRECONDITION)
    expect(new DomainError('ORDER_NOT_FOUND', '').grpcStatus).toBe(GRPC_STATUS.NOT_FOUND)
  })

  it('falls back on the gRPC status when the domain code is missing or unknown', () => {
    expect(fromGrpcStatus(GRPC_STATUS.NOT_FOUND, 'gone').code).toBe('NOT_FOUND')
    expect(fromGrpcStatus(GRPC_STATUS.INVALID_ARGUMENT, 'bad').code).toBe('INVALID_REQUEST')
    expect(fromGrpcStatus(GRPC_STATUS.UNAUTHENTICATED, 'who').code).toBe('UNAUTHORIZED')
    expect(fromGrpcStatus(GRPC_STATUS.UNAVAILABLE, 'down').code).toBe('UNAVAILABLE')
    expect(fromGrpcStatus(GRPC_STATUS.DEADLINE_EXCEEDED, 'slow').code).toBe('DEADLINE_EXCEEDED')
    expect(fromGrpcStatus(GRPC_STATUS.CANCELLED, 'gone').code).toBe('CANCELLED')
    expect(fromGrpcStatus(GRPC_STATUS.RESOURCE_EXHAUSTED, 'big').code).toBe('PAYLOAD_TOO_LARGE')
    expect(fromGrpcStatus(GRPC_STATUS.NOT_FOUND, 'x', 'NO_SUCH_CODE').code).toBe('NOT_FOUND')
    expect(fromGrpcStatus(GRPC_STATUS.UNIMPLEMENTED, 'x').code).toBe('INTERNAL')
    expect(fromGrpcStatus(99, 'x').code).toBe('INTERNAL')
  })

  it('serialises to the public error shape, with details only when there are some', () => {
    expect(new DomainError('ORDER_NOT_FOUND', 'order o1 not found').toJSON()).toEqual({
      error: { code: 'ORDER_NOT_FOUND', message: 'order o1 not found' },
    })
    expect(new DomainError('OUT_OF_STOCK', 'no', { shortages: [] }).toJSON()).toEqual({
      error: { code: 'OUT_OF_STOCK', message: 'no', details: { shortages: [] } },
    })
  })

  it('is recognised by its marker, not only by instanceof', () => {
    const copyFromAnotherBundle = { [Symbol.for('oms.DomainError')]: true, code: 'INTERNAL' }
    expect(isDomainError(new DomainError('INTERNAL', 'x'))).toBe(true)
    expect(isDomainError(copyFromAnotherBundle)).toBe(true)
    expect(isDomainError(new Error('x'))).toBe(false)
    expect(isDomainError(null)).toBe(false)
    expect(isDomainError('INTERNAL')).toBe(false)
  })

  it('knows its own codes', () => {
    expect(isErrorCode('OUT_OF_STOCK')).toBe(true)
    expect(isErrorCode('toString')).toBe(false)
    expect(isErrorCode(404)).toBe(false)
  })
})
