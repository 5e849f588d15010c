/**
 * `oms dev`'s builds: esbuild, incremental, of the hosted functions into one module per
 * generation (.oms/dev/build/gen-<n>.mjs) that exports them. The runtime — and the files of
 * shared/ it imports itself — stay outside the bundle, imported from source: the process
 * loads them once and every generation of functions runs on the same runtime, store and bus.
 * A change to one of those files is a change of the runtime, which needs a new process.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type BuildContext, build, context, type Message, type Plugin } from 'esbuild'
import { type FunctionFile, listFunctionFiles, matches } from '../../catalog.ts'
import type { SourceError } from './source-error.ts'

export type BuildOutcome =
  | {
      ok: true
      gen: number
      /** The module to import: it exports `functions`. */
      file: string
      /** Every source file (absolute) the build read. */
      inputs: Set<string>
      ms: number
    }
  | { ok: false; errors: SourceError[]; ms: number }

export interface DevBuild {
  /** Files (absolute) loaded by the runtime itself: a change there needs a new process. */
  readonly runtimeFiles: ReadonlySet<string>
  rebuild(): Promise<BuildOutcome>
  close(): Promise<void>
}

export interface DevBuildOptions {
  root: string
  /** Functions or domains to include (default: all). */
  selectors?: readonly string[]
  /** Where generations are written (default: <root>/.oms/dev/build). */
  outDir?: string
}

const errorsOf = (messages: readonly Message[], root: string): SourceError[] =>
  messages.map((m) => ({
    file: m.location ? relative(root, resolve(root, m.location.file)) : '(build)',
    line: m.location?.line ?? 0,
    column: (m.location?.column ?? 0) + 1,
    message: m.text,
  }))

/** The runtime's own source files: what runtime/ imports, transitively, outside node_modules. */
async function runtimeSources(root: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(root, 'runtime/host.ts'), join(root, 'runtime/serve.ts')],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    absWorkingDir: root,
    outdir: join(root, '.oms/dev/runtime-probe'),
    logLevel: 'silent',
  })
  return new Set(Object.keys(result.metafile.inputs).map((f) => resolve(root, f)))
}

/** Imports of runtime files are left to the process, which has them loaded already. */
function runtimeExternal(root: string, runtimeFiles: ReadonlySet<string>): Plugin {
  const runtimeDir = `${join(root, 'runtime')}/`
  return {
    name: 'oms-dev-runtime-external',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const path = resolve(args.resolveDir, args.path)
        if (path.startsWith(runtimeDir) || runtimeFiles.has(path))
          return { path: pathToFileURL(path).href, external: true }
        return undefined
      })
    },
  }
}

/**
 * Each bundled module keeps its own `import.meta.url` (bundled, it would be the generation's
 * file under .oms/dev/build): code that finds files beside itself (client sources, templates)
 * finds them in the project, as it does when run from source.
 */
function ownModuleUrl(): Plugin {
  return {
    name: 'oms-dev-own-module-url',
    setup(b) {
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined
        const text = await readFile(args.path, 'utf8')
        if (!text.includes('import.meta.url')) return undefined
        const url = JSON.stringify(pathToFileURL(args.path).href)
        const loader = /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js'
        return { contents: text.replaceAll('import.meta.url', url), loader }
      })
    },
  }
}

function entrySource(files: readonly FunctionFile[], entryDir: string): string {
  const rel = (file: string) => JSON.stringify(relative(entryDir, file).replaceAll('\\', '/'))
  const lines = files.map((f, i) => `import fn${i} from ${rel(f.file).replace(/^"/, '"./')}`)
  const list = files.map(
    (f, i) =>
      `  { name: ${JSON.stringify(f.name)}, domain: ${JSON.stringify(f.domain)}, def: fn${i} },`,
  )
  return `${lines.join('\n')}\n\nexport const functions = [\n${list.join('\n')}\n]\n`
}

export async function createDevBuild(options: DevBuildOptions): Promise<DevBuild> {
  const { root, selectors = [] } = options
  const outDir = options.outDir ?? join(root, '.oms', 'dev', 'build')
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const entry = join(outDir, 'entry.ts')
  const runtimeFiles = await runtimeSources(root)
  let ctx: BuildContext<{ write: false; metafile: true }> | undefined
  let gen = 0
  let lastEntry = ''

  const writeEntry = async () => {
    const files = (await listFunctionFiles(join(root, 'functions'))).filter(
      (f) => selectors.length === 0 || selectors.some((s) => matches(s, f)),
    )
    const source = entrySource(files, dirname(entry))
    if (source !== lastEntry) {
      writeFileSync(entry, source)
      lastEntry = source
    }
  }

  return {
    runtimeFiles,
    async rebuild() {
      const started = performance.now()
      const ms = () => Math.round(performance.now() - started)
      await writeEntry()
      ctx ??= await context({
        entryPoints: [entry],
        bundle: true,
        write: false,
        metafile: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        packages: 'external',
        absWorkingDir: root,
        sourcemap: 'inline',
        outfile: join(outDir, 'gen.mjs'),
        logLevel: 'silent',
        plugins: [runtimeExternal(root, runtimeFiles), ownModuleUrl()],
      })
      try {
        const result = await ctx.rebuild()
        const output = result.outputFiles[0]
        if (!output) return { ok: false, errors: errorsOf(result.errors, root), ms: ms() }
        gen += 1
        const file = join(outDir, `gen-${gen}.mjs`)
        writeFileSync(file, output.contents)
        // The two generations before the running one are of no further use.
        rmSync(join(outDir, `gen-${gen - 2}.mjs`), { force: true })
        const inputs = new Set(Object.keys(result.metafile.inputs).map((f) => resolve(root, f)))
        return { ok: true, gen, file, inputs, ms: ms() }
      } catch (err) {
        const failure = err as { errors?: Message[] }
        if (failure.errors) return { ok: false, errors: errorsOf(failure.errors, root), ms: ms() }
        throw err
      }
    },
    async close() {
      await ctx?.dispose()
    },
  }
}
