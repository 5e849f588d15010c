// Builds the `oms` shell (see oms.js): runtime/cli/main.ts and its static imports, bundled by
// esbuild into one ESM file. Packages stay imports of node_modules; a relative dynamic import
// (`await import('./x.ts')`, the commands' heavy parts) stays an import of that source file,
// loaded through tsx once the command runs; `import.meta.url` keeps each file's own URL.
import { createHash } from 'node:crypto'
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** Marks every relative dynamic import external, at its source file's absolute URL. */
const fromSource = {
  name: 'oms-cli-from-source',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) =>
      args.kind === 'dynamic-import'
        ? { path: pathToFileURL(resolve(args.resolveDir, args.path)).href, external: true }
        : undefined,
    )
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const url = JSON.stringify(pathToFileURL(args.path).href)
      const contents = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', url)
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
      return { contents, loader: 'ts' }
    })
  },
}

/** Builds the shell into cacheDir; returns the bundle's path. */
export async function buildShell({ root, cacheDir }) {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [join(root, 'runtime', 'cli', 'main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: join(cacheDir, 'cli.mjs'),
    plugins: [fromSource],
  })
  const [out] = result.outputFiles
  const code = out.text
  const name = `cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`
  const inputs = {}
  // The shell's own sources, and the scripts that run and build it.
  const files = [
    ...Object.keys(result.metafile.inputs).map((f) => resolve(f)),
    join(root, 'bin', 'oms.js'),
    join(root, 'bin', 'cli-shell.js'),
  ]
  for (const file of files) {
    const s = statSync(file)
    inputs[relative(root, file)] = `${s.size}:${s.mtimeMs}`
  }
  mkdirSync(cacheDir, { recursive: true })
  // Content-addressed bundle first, then the pointer to it, each renamed into place whole, so
  // concurrent commands never read half a file.
  const tmp = `.${process.pid}.tmp`
  writeFileSync(join(cacheDir, name + tmp), code)
  renameSync(join(cacheDir, name + tmp), join(cacheDir, name))
  writeFileSync(join(cacheDir, `cli.json${tmp}`), JSON.stringify({ bundle: name, inputs }))
  renameSync(join(cacheDir, `cli.json${tmp}`), join(cacheDir, 'cli.json'))
  for (const old of readdirSync(cacheDir))
    if (/^cli-[0-9a-f]+\.mjs$/.test(old) && old !== name) {
      try {
        // Keep the bundles other commands may be loading right now; drop the day-old ones.
        if (Date.now() - statSync(join(cacheDir, old)).mtimeMs > 86_400_000)
          rmSync(join(cacheDir, old), { force: true })
      } catch {}
    }
  return join(cacheDir, name)
}
