/**
 * Named crash points for fault tests: `OMS_CRASH_AT=<name>` makes the process die (SIGKILL, as
 * a power cut would) the first time it reaches that point. Without the variable, a crash point
 * is a comparison with undefined: inert. The names are listed here, so a test can hit each one.
 */
export const CRASH_POINTS = [
  /** The outbox relay read stored events and has not published them yet. */
  'outbox.before-publish',
  /** The outbox relay published a document's events and has not cleared them yet. */
  'outbox.before-clear',
] as const

export type CrashPoint = (typeof CRASH_POINTS)[number]

const armed = process.env.OMS_CRASH_AT

export function crashPoint(name: CrashPoint): void {
  if (armed !== name) return
  process.stderr.write(`crash point ${name} reached: killing the process\n`)
  process.kill(process.pid, 'SIGKILL')
}
