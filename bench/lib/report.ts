/** What every benchmark returns, and how run.ts prints it. */

export interface BenchOptions {
  /** CI smoke mode: a few seconds per benchmark, only to prove it still works. */
  quick: boolean
}

/** One line of the table. */
export interface Row {
  /** The benchmark's number in issue 8 (8 is issue 6's tracing figure). */
  id: number
  what: string
  /** The runtime's figure, formatted with its unit. */
  value: string
  /** The figure it is judged against, when there is one. */
  baseline?: string
  ratio?: string
  goal?: string
  /** Whether the goal is met (undefined when there is no goal). */
  met?: boolean
  /** Context for the figure (latency, CPU, what was loaded). */
  note?: string
}

export interface Outcome {
  rows: Row[]
  /** Everything measured, for results.json. */
  details: Record<string, unknown>
}

export interface Benchmark {
  name: string
  title: string
  /**
   * Why it cannot run here (a server it needs is missing), or undefined when it can; the
   * benchmark is then reported skipped. Throws under CI, where the missing server is a failure.
   */
  unavailable?(): Promise<string | undefined>
  run(options: BenchOptions): Promise<Outcome>
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 12345.6 → "12,346". */
export const n0 = (value: number) => int.format(value)
/** A figure with one or two decimals. */
export const n1 = (value: number) => value.toFixed(1)
export const n2 = (value: number) => value.toFixed(2)
/** A ratio as "0.93×". */
export const times = (value: number) => `${value.toFixed(2)}×`

const COLUMNS = ['#', 'benchmark', 'measured', 'baseline', 'ratio', 'goal', 'met', 'notes'] as const

function cells(row: Row): string[] {
  const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO'
  return [
    String(row.id),
    row.what,
    row.value,
    row.baseline ?? '',
    row.ratio ?? '',
    row.goal ?? '',
    met,
    row.note ?? '',
  ]
}

/** The rows as a Markdown table (also readable in a terminal). */
export function formatTable(rows: readonly Row[]): string {
  const lines = [[...COLUMNS], ...rows.map(cells)]
  const widths = COLUMNS.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)))
  const line = (l: readonly string[]) =>
    `| ${l.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [
    line(lines[0] ?? []),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.slice(1).map(line),
  ].join('\n')
}
