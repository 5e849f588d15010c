/**
 * Keeps a source map's mappings into the project's own sources and drops those into packages
 * (node_modules). Node (`--enable-source-maps`) decodes a file's whole map, in JavaScript, the
 * first time a stack trace runs through that file: for the largest shared chunk that is over
 * 100,000 mappings and tens of milliseconds, paid at start whenever a library captures a stack
 * (amqplib does on every channel close) and on the first error. Packages are nine tenths of
 * the mappings; without theirs, a frame in package code shows its place in the bundle instead
 * (a position that maps to nothing, rather than to the nearest own line, which would mislead).
 */

/** The parts of a version 3 source map this reads and writes. */
export interface RawSourceMap {
  version: number
  sources: string[]
  names: string[]
  mappings: string
  sourcesContent?: (string | null)[]
  [key: string]: unknown
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]))

/** The numbers of one segment (relative values, as written). */
function decodeSegment(text: string): number[] {
  const values: number[] = []
  let value = 0
  let shift = 0
  for (const char of text) {
    const digit = DIGIT.get(char)
    if (digit === undefined) throw new Error(`source map: bad mapping character ${char}`)
    value += (digit & 31) * 2 ** shift
    if (digit & 32) shift += 5
    else {
      values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2)
      value = 0
      shift = 0
    }
  }
  return values
}

function encodeValue(n: number): string {
  let rest = n < 0 ? -n * 2 + 1 : n * 2
  let out = ''
  do {
    let digit = rest & 31
    rest = Math.floor(rest / 32)
    if (rest > 0) digit |= 32
    out += BASE64[digit]
  } while (rest > 0)
  return out
}

/** Whether a map's source is a package's file. */
export const isPackageSource = (source: string): boolean =>
  /(^|[/\\])node_modules[/\\]/.test(source)

/** The map with only the mappings whose source `keep` accepts (sources and names renumbered). */
export function ownMappingsOnly(
  map: RawSourceMap,
  keep: (source: string) => boolean = (source) => !isPackageSource(source),
): RawSourceMap {
  const sourceIndex = new Map<number, number>()
  const nameIndex = new Map<number, number>()
  const sources: string[] = []
  const names: string[] = []
  const contents: (string | null)[] = []
  // Absolute values read so far, and the last ones written (the format is relative).
  const read = { source: 0, line: 0, column: 0, name: 0 }
  const written = { source: 0, line: 0, column: 0, name: 0 }
  const lines: string[] = []
  for (const line of map.mappings.split(';')) {
    const out: string[] = []
    let readColumn = 0
    let writtenColumn = 0
    // Whether the last segment written maps somewhere (an unmapped one then ends its range).
    let mapping = false
    for (const text of line.split(',')) {
      if (!text) continue
      const [column = 0, source, origLine, origColumn, name] = decodeSegment(text)
      readColumn += column
      let kept = false
      if (source !== undefined && origLine !== undefined && origColumn !== undefined) {
        read.source += source
        read.line += origLine
        read.column += origColumn
        if (name !== undefined) read.name += name
        const file = map.sources[read.source] ?? ''
        kept = keep(file)
        if (kept) {
          let s = sourceIndex.get(read.source)
          if (s === undefined) {
            s = sources.push(file) - 1
            contents.push(map.sourcesContent?.[read.source] ?? null)
            sourceIndex.set(read.source, s)
          }
          let segment =
            encodeValue(readColumn - writtenColumn) +
            encodeValue(s - written.source) +
            encodeValue(read.line - written.line) +
            encodeValue(read.column - written.column)
          if (name !== undefined) {
            let n = nameIndex.get(read.name)
            if (n === undefined) {
              n = names.push(map.names[read.name] ?? '') - 1
              nameIndex.set(read.name, n)
            }
            segment += encodeValue(n - written.name)
            written.name = n
          }
          out.push(segment)
          written.source = s
          written.line = read.line
          written.column = read.column
          writtenColumn = readColumn
          mapping = true
        }
      }
      if (!kept && mapping) {
        // The start of code that maps to nothing kept.
        out.push(encodeValue(readColumn - writtenColumn))
        writtenColumn = readColumn
        mapping = false
      }
    }
    lines.push(out.join(','))
  }
  const { sourcesContent, ...rest } = map
  return {
    ...rest,
    sources,
    names,
    mappings: lines.join(';'),
    ...(sourcesContent && { sourcesContent: contents }),
  }
}
