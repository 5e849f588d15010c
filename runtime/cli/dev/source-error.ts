/** An error in a source file, from the build or the type check, as `oms dev` shows it. */
export interface SourceError {
  /** Relative to the project root. */
  file: string
  line: number
  column: number
  message: string
}

/** `file:line:column message`, one line per error (continuation lines indented). */
export function formatSourceErrors(errors: readonly SourceError[], limit = 20): string {
  const lines = errors
    .slice(0, limit)
    .map((e) => `  ${e.file}:${e.line}:${e.column}  ${e.message.replaceAll('\n', '\n    ')}`)
  if (errors.length > limit) lines.push(`  … and ${errors.length - limit} more`)
  return lines.join('\n')
}
