/**
 * How the CLI fails: a CliError carries its exit code (2 for a usage mistake, 1 for a
 * failure) and a message meant for a person, printed without a stack trace.
 */
import { ConfigError } from '../config/config-error.ts'

/** Exit code for a usage mistake: unknown name, bad flag combination, unreadable input. */
export const EXIT_USAGE = 2
/** Exit code for a failure while doing the work. */
export const EXIT_FAILURE = 1

export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message)
  }
}

/** A usage mistake (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

/** Prints an error for a person on stderr and returns the exit code it deserves. */
export function reportError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`oms: ${err.message}\n`)
    return err.exitCode
  }
  // The message already names the bad variable; a stack would only bury it.
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'ConfigError')) {
    process.stderr.write(`oms: ${err.message}\n`)
    return EXIT_FAILURE
  }
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err)
  process.stderr.write(`oms: ${text}\n`)
  return EXIT_FAILURE
}
