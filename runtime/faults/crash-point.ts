/**
 * Named crash points for fault tests: `OMS_CRASH_AT=<name>` makes the process die (SIGKILL, as
 * a power cut would) the first time it reaches that point. Without the variable, a crash point
 * is a comparison with undefined: inert. The runtime's own points are listed here, the
 * domains' in shared/crash-points.ts, so a test can hit each one.
 */
export const RUNTIME_CRASH_POINTS = [
  /** The outbox relay read stored events and has not published them yet. */
  'outbox.before-publish',
  /** The outbox relay published a document's events and has not cleared them yet. */
  'outbox.before-clear',
] as const

export type RuntimeCrashPoint = (typeof RUNTIME_CRASH_POINTS)[number]

const armed = process.env.OMS_CRASH_AT

export function crashPoint(name: string): void {
  if (armed !== name) return
  process.stderr.write(`crash point ${name} reached: killing the process\n`)
  process.kill(process.pid, 'SIGKILL')
}
