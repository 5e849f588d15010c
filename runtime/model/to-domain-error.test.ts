/** Any error becomes an answer of the domain error table, in one place, for every transport. */
import { Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { HTTPException } from 'hono/http-exception'
import { describe, expect, it } from 'vitest'
import { DomainError } from '../../shared/errors.ts'
import { toServiceError } from '../grpc/errors.ts'
import { createRootApp } from '../http/root-app.ts'
import { createLogger } from '../log.ts'
import { StoreUnavailableError } from '../ports/documents.ts'
import { RetryLater } from './retry-later.ts'
import { toDomainError } from './to-domain-error.ts'

const log = createLogger('silent')

describe('toDomainError', () => {
  it('keeps a domain error as it is', () => {
    const err = new DomainError('OUT_OF_STOCK', 'none left', { itemId: 'x' })
    expect(toDomainError(err)).toEqual({ error: err, expected: true })
  })

  it('keeps the meaning of HTTP exceptions: 401, 404, 413 and 503 stay what they are', () => {
    const code = (status: number) =>
      toDomainError(new HTTPException(status as 401, { message: 'm' })).error.code
    expect(code(401)).toBe('UNAUTHORIZED')
    expect(code(404)).toBe('NOT_FOUND')
    expect(code(413)).toBe('PAYLOAD_TOO_LARGE')
    expect(code(503)).toBe('UNAVAILABLE')
    expect(code(400)).toBe('INVALID_REQUEST')
    expect(code(422)).toBe('INVALID_REQUEST')
    expect(toDomainError(new HTTPException(401)).error.message).toBe('unauthorized')
  })

  it('answers work that must wait (RetryLater) as UNAVAILABLE, expected', () => {
    const { error, expected } = toDomainError(new RetryLater('settlement still in flight', 500))
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: 'settlement still in flight' })
    expect(expected).toBe(true)
  })

  it('turns anything else into an INTERNAL that leaks nothing, flagged as unexpected', () => {
    const answer = toDomainError(new Error('password=hunter2 in a stack'))
    expect(answer.expected).toBe(false)
    expect(answer.error.toJSON()).toEqual({
      error: { code: 'INTERNAL', message: 'internal error' },
    })
    expect(toDomainError(new HTTPException(502)).expected).toBe(false)
    expect(toDomainError('a string').error.code).toBe('INTERNAL')
  })

  it('answers a Hono 401 as 401 UNAUTHORIZED over HTTP, not 400', async () => {
    const app = createRootApp(
      [
        new Hono()
          .use('/secret', bearerAuth({ token: 'right-token-123' }))
          .get('/secret', (c) => c.text('ok')),
      ],
      log,
    )
    const res = await app.request('/secret', { headers: { authorization: 'Bearer wrong' } })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED')
  })

  it('gives gRPC the same answer: the table’s status and the code in metadata', () => {
    const denied = toServiceError(new HTTPException(401), log)
    expect(denied.code).toBe(16) // UNAUTHENTICATED
    expect(denied.metadata?.get('oms-error-code')).toEqual(['UNAUTHORIZED'])
    const crash = toServiceError(new Error('secret detail'), log)
    expect(crash).toEqual({ code: 13, details: 'internal error' })
  })

  it('says a store that cannot be reached as UNAVAILABLE, over gRPC too', () => {
    const down = new StoreUnavailableError('MongoDB unavailable: connection refused')
    expect(toDomainError(down)).toMatchObject({
      error: { code: 'UNAVAILABLE', httpStatus: 503 },
      expected: true,
    })
    expect(toDomainError(down).error.message).not.toContain('refused')
    const overGrpc = toServiceError(down, log)
    expect(overGrpc.code).toBe(14) // UNAVAILABLE
    expect(overGrpc.metadata?.get('oms-error-code')).toEqual(['UNAVAILABLE'])
  })
})
