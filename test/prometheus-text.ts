/**
 * Reads Prometheus' text exposition format (version 0.0.4) strictly — every line must be a
 * `# HELP`, a `# TYPE`, another comment, blank, or a sample `name{label="value",...} value
 * [timestamp]` of a family declared before it, or the parse throws naming the line — and looks
 * series up: the sum of the values of the series whose labels include those given; a
 * histogram's count the same way.
 */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Scrape {
  samples: Sample[]
  /** Family name → its TYPE. */
  types: Map<string, string>
  /** Sum over the series of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number
  /** Observations of the histogram `name`'s series whose labels include `labels`. */
  count(name: string, labels?: Record<string, string>): number
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`
const VALUE = '([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?[iI][nN][fF]|[nN][aA][nN])'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL},?)*)\\})? ${VALUE}(?: -?\\d+)?$`)
const LABELS = new RegExp(LABEL, 'g')
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
const HELP = new RegExp(`^# HELP (${NAME}) .*$`)
const SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created']

const unescapeLabel = (value: string) =>
  value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))

/** The declared family a sample belongs to (a histogram's `_count`, `_bucket`, ...). */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name
  const suffix = SUFFIXES.find((s) => name.endsWith(s))
  const base = suffix ? name.slice(0, -suffix.length) : undefined
  return base !== undefined && types.has(base) ? base : undefined
}

export function parseScrape(text: string): Scrape {
  const samples: Sample[] = []
  const types = new Map<string, string>()
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    const where = `line ${i + 1}: ${line}`
    if (line.startsWith('#')) {
      const type = TYPE.exec(line)
      if (type) {
        if (types.has(type[1] as string)) throw new Error(`family declared twice, ${where}`)
        types.set(type[1] as string, type[2] as string)
      } else if (line.startsWith('# HELP') && !HELP.test(line))
        throw new Error(`not a HELP line, ${where}`)
      return
    }
    const m = SAMPLE.exec(line)
    if (!m) throw new Error(`not a sample, ${where}`)
    const name = m[1] as string
    if (familyOf(name, types) === undefined)
      throw new Error(`sample of no declared family, ${where}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (m[2] ?? '').matchAll(LABELS))
      labels[key as string] = unescapeLabel(value as string)
    // Go's ParseFloat, as Prometheus reads values: Inf and NaN in any case.
    const value = (m[5] as string).replace(/inf$/i, 'Infinity').replace(/^nan$/i, 'NaN')
    samples.push({ name, labels, value: Number(value) })
  })
  const sum = (name: string, labels: Record<string, string>) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((total, s) => total + s.value, 0)
  return {
    samples,
    types,
    value: (name, labels = {}) => sum(name, labels),
    count: (name, labels = {}) => sum(`${name}_count`, labels),
  }
}
