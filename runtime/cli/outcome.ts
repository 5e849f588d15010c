/**
 * What a handler's failure means to the operator who invoked it: it asked to be retried later
 * (RetryLater), its event is invalid (poison: not JSON, fails its topic's schema), it answered
 * a domain error, or it failed. Each is printed as one line, with an exit code of its own.
 * Classified by names and markers, never `instanceof`: the error may come from another copy of
 * the runtime (the prebuilt shell, a bundle) or over HTTP (`oms invoke --url`).
 */
import { isDomainError } from '../../shared/errors.ts'

export type Outcome =
  | { kind: 'retry-later'; message: string }
  | { kind: 'invalid-event'; message: string }
  | { kind: 'domain-error'; code: string; message: string; details?: unknown }
  | { kind: 'failed'; name: string; message: string; stack?: string }

/** Exit codes: a domain answer or a failure 1, an invalid event 2 (the input), retry later 75. */
export const OUTCOME_EXIT: Record<Outcome['kind'], number> = {
  'domain-error': 1,
  failed: 1,
  'invalid-event': 2,
  // EX_TEMPFAIL: nothing is wrong with the input; try again later.
  'retry-later': 75,
}

export function outcomeOf(err: unknown): Outcome {
  if (isDomainError(err)) {
    const { error } = err.toJSON()
    return { kind: 'domain-error', ...error }
  }
  if (err instanceof Error && err.name === 'RetryLater')
    return { kind: 'retry-later', message: err.message }
  if (err instanceof Error && err.name === 'PoisonMessageError')
    return { kind: 'invalid-event', message: err.message }
  if (err instanceof Error)
    return {
      kind: 'failed',
      name: err.name,
      message: err.message,
      ...(err.stack && { stack: err.stack }),
    }
  return { kind: 'failed', name: 'Error', message: String(err) }
}

/** Schema issues (`<field>: <message>`) for one line: the first three, and how many more. */
export function issuesLine(issues: readonly string[]): string {
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : ''
  return `${issues.slice(0, 3).join('; ')}${more}`
}

/** `<topic> body fails its schema: a: x; b: y` → `invalid <topic> event: a: x; b: y`. */
function invalidEvent(message: string): string {
  const schema = /^(\S+) body fails its schema: ([\s\S]*)$/.exec(message)
  if (schema) return `invalid ${schema[1]} event: ${issuesLine((schema[2] ?? '').split('; '))}`
  const json = /^(\S+) body is not JSON$/.exec(message)
  if (json) return `invalid ${json[1]} event: not JSON`
  return `invalid event: ${message}`
}

/** The one line an outcome prints as (no `oms:` prefix); with `stack`, a failure's stack follows. */
export function formatOutcome(fn: string, outcome: Outcome, { stack = false } = {}): string {
  const line = (text: string) => text.split('\n')[0] ?? ''
  switch (outcome.kind) {
    case 'retry-later':
      return `${fn}: retry later — ${line(outcome.message)}`
    case 'invalid-event':
      return `${fn}: ${line(invalidEvent(outcome.message))}`
    case 'domain-error':
      return `${fn}: ${outcome.code}: ${line(outcome.message)}`
    case 'failed':
      if (stack && outcome.stack) return `${fn} failed: ${outcome.stack}`
      return `${fn} failed: ${outcome.name}: ${line(outcome.message)} (--verbose for the stack)`
  }
}
