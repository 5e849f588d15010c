/**
 * How the CLI fails: a CliError carries its exit code (2 for a usage mistake, 1 for a
 * failure) and a message meant for a person, printed without a stack trace. Anything else is
 * printed as one line too; its stack only with --verbose or DEBUG set.
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

/**
 * By name and shape, not `instanceof`: the prebuilt shell and the modules loaded from source
 * each have their own copy of this class.
 */
export function isCliError(err: unknown): err is CliError {
  return (
    err instanceof Error &&
    err.name === 'CliError' &&
    typeof (err as { exitCode?: unknown }).exitCode === 'number'
  )
}

/** A usage mistake (exit 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE)
}

/** --verbose, or DEBUG set in the environment: stacks are printed. */
export function wantsStacks(verbose?: boolean): boolean {
  return verbose === true || Boolean(process.env.DEBUG)
}

/** Prints an error for a person on stderr and returns the exit code it deserves. */
export function reportError(err: unknown, { verbose }: { verbose?: boolean } = {}): number {
  if (isCliError(err)) {
    process.stderr.write(`oms: ${err.message}\n`)
    return err.exitCode
  }
  // The message already names the bad variable; a stack would only bury it.
  if (err instanceof ConfigError || (err instanceof Error && err.name === 'ConfigError')) {
    process.stderr.write(`oms: ${err.message}\n`)
    return EXIT_FAILURE
  }
  if (wantsStacks(verbose)) {
    process.stderr.write(`oms: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`)
    return EXIT_FAILURE
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
  process.stderr.write(`oms: ${text.split('\n')[0]} (--verbose for the stack)\n`)
  return EXIT_FAILURE
}
