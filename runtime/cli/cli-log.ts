/**
 * A logger for one-shot commands (invoke, dlq) whose stdout is their result: the same JSON
 * lines as the runtime's logger, written to stderr so `oms invoke ... | jq` stays clean.
 */
import { pino } from 'pino'
import type { Logger } from '../ports/logger.ts'

export function stderrLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination(2),
  )
}
