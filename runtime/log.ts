/** JSON-line logging with pino; one root logger per process. */
import { type DestinationStream, type LoggerOptions, pino } from 'pino'
import type { Logger } from './ports/logger.ts'
import { activeIds } from './telemetry/telemetry.ts'

export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { pid: process.pid, ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    // Every line carries the trace and span it was written in.
    mixin: () => activeIds() ?? {},
  }
  return destination ? pino(options, destination) : pino(options)
}
