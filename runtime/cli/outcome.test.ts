import { afterEach, describe, expect, it, vi } from 'vitest'
import { DomainError } from '../../shared/errors.ts'
import { RetryLater } from '../model/retry-later.ts'
import { PoisonMessageError } from '../ports/bus.ts'
import { CliError, reportError } from './errors.ts'
import { formatOutcome, OUTCOME_EXIT, outcomeOf } from './outcome.ts'

describe('handler outcomes', () => {
  it('each print as one line, with an exit code of their own', () => {
    const line = (err: unknown) => formatOutcome('d.f', outcomeOf(err))
    expect(line(new RetryLater('the other side is not there yet'))).toBe(
      'd.f: retry later — the other side is not there yet',
    )
    expect(
      line(new PoisonMessageError('x.y body fails its schema: id: Required; n: Too small')),
    ).toBe('d.f: invalid x.y event: id: Required; n: Too small')
    expect(line(new PoisonMessageError('x.y body is not JSON'))).toBe(
      'd.f: invalid x.y event: not JSON',
    )
    expect(line(new DomainError('NOT_FOUND', 'no thing t1'))).toBe('d.f: NOT_FOUND: no thing t1')
    expect(line(new TypeError('a is undefined\nmore'))).toBe(
      'd.f failed: TypeError: a is undefined (--verbose for the stack)',
    )
    expect(formatOutcome('d.f', outcomeOf(new Error('boom')), { stack: true })).toMatch(
      /^d\.f failed: Error: boom\n\s+at /,
    )
    expect(OUTCOME_EXIT).toEqual({
      'domain-error': 1,
      failed: 1,
      'invalid-event': 2,
      'retry-later': 75,
    })
  })

  it('are recognised by name, as copies from another bundle or from JSON are', () => {
    const copy = Object.assign(new Error('later'), { name: 'RetryLater' })
    expect(outcomeOf(copy).kind).toBe('retry-later')
  })
})

describe('reportError', () => {
  const written: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
    vi.unstubAllEnvs()
    written.length = 0
  })
  const capture = () =>
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk))
      return true
    })

  it('prints an unexpected error as one line; its stack only with --verbose', () => {
    vi.stubEnv('DEBUG', '')
    capture()
    expect(reportError(new Error('disk on fire'))).toBe(1)
    expect(written).toEqual(['oms: Error: disk on fire (--verbose for the stack)\n'])
    written.length = 0
    reportError(new Error('disk on fire'), { verbose: true })
    expect(written[0]).toMatch(/^oms: Error: disk on fire\n\s+at /)
  })

  it("recognises another copy's CliError by its name and exit code", () => {
    capture()
    const copy = Object.assign(new Error('bad flag'), { name: 'CliError', exitCode: 2 })
    expect(reportError(copy)).toBe(2)
    expect(reportError(new CliError('failed', 1))).toBe(1)
    expect(written).toEqual(['oms: bad flag\n', 'oms: failed\n'])
  })
})
