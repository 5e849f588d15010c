/**
 * The one error type for domain failures. Each `code` maps, through a single table, to an
 * HTTP status and a gRPC status, in both directions; unknown codes fall back to INTERNAL.
 */

/** gRPC status numbers (kept here so shared code does not depend on a transport). */
export const GRPC_STATUS = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  RESOURCE_EXHAUSTED: 8,
  UNAUTHENTICATED: 16,
  PERMISSION_DENIED: 7,
  UNAVAILABLE: 14,
  INTERNAL: 13,
  UNIMPLEMENTED: 12,
  DEADLINE_EXCEEDED: 4,
} as const

export const ERROR_TABLE = {
  INVALID_REQUEST: { http: 400, grpc: GRPC_STATUS.INVALID_ARGUMENT },
  INVALID_SIGNATURE: { http: 400, grpc: GRPC_STATUS.INVALID_ARGUMENT },
  UNAUTHORIZED: { http: 401, grpc: GRPC_STATUS.UNAUTHENTICATED },
  FORBIDDEN: { http: 403, grpc: GRPC_STATUS.PERMISSION_DENIED },
  NOT_FOUND: { http: 404, grpc: GRPC_STATUS.NOT_FOUND },
  ITEM_NOT_FOUND: { http: 404, grpc: GRPC_STATUS.NOT_FOUND },
  ORDER_NOT_FOUND: { http: 404, grpc: GRPC_STATUS.NOT_FOUND },
  OUT_OF_STOCK: { http: 409, grpc: GRPC_STATUS.FAILED_PRECONDITION },
  INVALID_TRANSITION: { http: 409, grpc: GRPC_STATUS.FAILED_PRECONDITION },
  IDEMPOTENCY_KEY_REUSED: { http: 422, grpc: GRPC_STATUS.FAILED_PRECONDITION },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GRPC_STATUS.RESOURCE_EXHAUSTED },
  UNAVAILABLE: { http: 503, grpc: GRPC_STATUS.UNAVAILABLE },
  /** The answer was not ready by the call's deadline. */
  DEADLINE_EXCEEDED: { http: 504, grpc: GRPC_STATUS.DEADLINE_EXCEEDED },
  /** The caller stopped waiting (nginx's 499: nobody reads the answer). */
  CANCELLED: { http: 499, grpc: GRPC_STATUS.CANCELLED },
  INTERNAL: { http: 500, grpc: GRPC_STATUS.INTERNAL },
} as const

export type ErrorCode = keyof typeof ERROR_TABLE

const GRPC_FALLBACK: Record<number, ErrorCode> = {
  [GRPC_STATUS.INVALID_ARGUMENT]: 'INVALID_REQUEST',
  [GRPC_STATUS.NOT_FOUND]: 'NOT_FOUND',
  [GRPC_STATUS.UNAUTHENTICATED]: 'UNAUTHORIZED',
  [GRPC_STATUS.PERMISSION_DENIED]: 'FORBIDDEN',
  [GRPC_STATUS.UNAVAILABLE]: 'UNAVAILABLE',
  [GRPC_STATUS.DEADLINE_EXCEEDED]: 'DEADLINE_EXCEEDED',
  [GRPC_STATUS.CANCELLED]: 'CANCELLED',
  [GRPC_STATUS.RESOURCE_EXHAUSTED]: 'PAYLOAD_TOO_LARGE',
}

const MARKER = Symbol.for('oms.DomainError')

/** A failure the caller can act on, with a stable code and optional structured details. */
export class DomainError extends Error {
  readonly [MARKER] = true
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'DomainError'
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].http
  }

  get grpcStatus(): number {
    return ERROR_TABLE[this.code].grpc
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    const error = { code: this.code, message: this.message }
    return { error: this.details === undefined ? error : { ...error, details: this.details } }
  }
}

/** Recognises a DomainError by its marker, so copies from other bundles count too. */
export function isDomainError(err: unknown): err is DomainError {
  return (
    typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[MARKER] === true
  )
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code)
}

/** Rebuilds a DomainError from a gRPC status (and the code carried in metadata, if any). */
export function fromGrpcStatus(
  grpcCode: number,
  message: string,
  code?: string,
  details?: unknown,
) {
  const resolved: ErrorCode = isErrorCode(code) ? code : (GRPC_FALLBACK[grpcCode] ?? 'INTERNAL')
  return new DomainError(resolved, message, details)
}
