/**
 * `oms dev`'s type check: TypeScript's own incremental builder over the project's tsconfig,
 * kept between changes. Source files are parsed once and reused until they change, and the
 * builder checks again only the files a change can affect (the changed ones, and those whose
 * imports changed shape), so a one-file change is checked in a fraction of a full `tsc`.
 */
import { statSync } from 'node:fs'
import { relative } from 'node:path'
import ts from 'typescript'
import type { SourceError } from './source-error.ts'

export interface TypeChecker {
  /** Checks the project again after `changed` files (absolute paths) changed; [] when clean. */
  check(changed?: readonly string[]): SourceError[]
}

interface Cached {
  mtimeMs: number
  size: number
  source: ts.SourceFile
}

const mtimeOf = (file: string) => {
  try {
    const s = statSync(file)
    return { mtimeMs: s.mtimeMs, size: s.size }
  } catch {
    return undefined
  }
}

/** A checker for the project whose tsconfig.json is in `root`; `only` limits the errors reported. */
export function createTypeChecker(root: string, only?: (file: string) => boolean): TypeChecker {
  const configFile = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json')
  if (!configFile) throw new Error(`no tsconfig.json in ${root}`)
  const host = ts.createCompilerHost({})
  const cache = new Map<string, Cached>()
  const readSource = host.getSourceFile.bind(host)
  // Parsed files are reused while their modification time and size stay the same.
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const hit = cache.get(fileName)
    // Installed packages' declarations do not change while a session runs.
    if (hit && !shouldCreate && fileName.includes('/node_modules/')) return hit.source
    const stat = mtimeOf(fileName)
    if (hit && stat && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && !shouldCreate)
      return hit.source
    const source = readSource(fileName, languageVersion, onError, shouldCreate)
    if (!source)
      return source
      // The builder tells files apart by version (what the incremental host sets).
    ;(source as ts.SourceFile & { version?: string }).version = stat
      ? `${stat.mtimeMs}:${stat.size}`
      : String(Date.now())
    if (stat) cache.set(fileName, { ...stat, source })
    return source
  }
  let builder: ts.SemanticDiagnosticsBuilderProgram | undefined

  const parse = () => {
    const read = ts.readConfigFile(configFile, ts.sys.readFile)
    // A change re-checks the files importing the changed one, not their importers in turn (as
    // `tsc --watch` can): what that misses, a whole `tsc` (npm test) still finds.
    const options = { noEmit: true, assumeChangesOnlyAffectDirectDependencies: true }
    return ts.parseJsonConfigFileContent(read.config, ts.sys, root, options, configFile)
  }

  return {
    check(changed = []) {
      for (const file of changed) cache.delete(file)
      // The file list is read again, so added and removed files are seen.
      const parsed = parse()
      builder = ts.createSemanticDiagnosticsBuilderProgram(
        parsed.fileNames,
        parsed.options,
        host,
        builder,
      )
      const diagnostics = [
        ...builder.getConfigFileParsingDiagnostics(),
        ...builder.getSyntacticDiagnostics(),
        ...builder.getSemanticDiagnostics(),
      ]
      const errors: SourceError[] = []
      for (const d of diagnostics) {
        if (d.category !== ts.DiagnosticCategory.Error) continue
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n')
        if (!d.file || d.start === undefined) {
          errors.push({ file: 'tsconfig.json', line: 1, column: 1, message })
          continue
        }
        if (only && !only(d.file.fileName)) continue
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start)
        errors.push({
          file: relative(root, d.file.fileName),
          line: line + 1,
          column: character + 1,
          message,
        })
      }
      return errors
    },
  }
}
