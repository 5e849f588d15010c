/**
 * `oms build`: one esbuild bundle per function, and one per domain (what a container runs):
 * dist/<name>.mjs plus shared chunks in dist/chunks/ — ESM, Node 22+, with source maps; and per
 * domain a serving bundle, dist/serve/<domain>.mjs, of just its HTTP, gRPC and scheduled
 * functions (a Kubernetes serving unit, beside one unit per consumer and worker: see
 * runtime/deploy/k8s). A bundle holds only what its
 * functions import; adapters for real services (MongoDB, RabbitMQ, Consul, Stripe's API) are
 * loaded with dynamic import() into their own chunks, fetched only when their variable is set.
 * Each dist/<name>.mjs is a start file in front of its bundle, dist/<name>.main.mjs: it turns
 * on source maps and V8's compile cache (dist/.compile-cache, filled here) before the bundle
 * loads (see start-file.ts).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'
import { listFunctionFiles, loadDomains, loadFunctions, matches } from '../catalog.ts'
import { builtinRequirePlugin } from './builtin-require-plugin.ts'
import { bundleEntry, type EntryFunction } from './bundle-entry.ts'
import { embedPlugin } from './embed-plugin.ts'
import { ownMappingsOnly, type RawSourceMap } from './own-mappings.ts'
import { startFileSource, warmCompileCache } from './start-file.ts'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SERVE_MODULE = join(ROOT, 'runtime/serve.ts')

export interface BundleReport {
  name: string
  kind: 'function' | 'domain' | 'serving'
  /** The entry file. */
  file: string
  /** Bytes loaded at start: the entry and the chunks it imports statically. */
  startBytes: number
  /** Bytes of chunks loaded only on demand (adapters for real services). */
  lazyBytes: number
  /** Packages (from node_modules) in what is loaded at start. */
  packages: string[]
}

export interface BuildOptions {
  outDir?: string
  /** Functions or domains to build (default: all). */
  selectors?: readonly string[]
  minify?: boolean
}

/** Files loaded at start: the entry and everything it imports statically, transitively. */
function startFiles(meta: Metafile, entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const imp of meta.outputs[file]?.imports ?? [])
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path)
  }
  visit(entry)
  return seen
}

function packagesIn(meta: Metafile, files: Set<string>): string[] {
  const names = new Set<string>()
  for (const file of files) {
    for (const input of Object.keys(meta.outputs[file]?.inputs ?? {})) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
      if (match?.[1]) names.add(match[1])
    }
  }
  return [...names].sort()
}

/** What a domain's serving unit hosts: everything but its consumers and workers. */
const SERVING_KINDS: ReadonlySet<string> = new Set(['http', 'grpc', 'schedule'])

/** Per domain with any, a bundle `serve/<domain>` of its HTTP, gRPC and scheduled functions. */
async function servingBundles(files: readonly EntryFunction[], selectors: readonly string[]) {
  const serving = new Set(
    (await loadFunctions(selectors))
      .filter((f) => SERVING_KINDS.has(f.def.kind))
      .map((f) => f.name),
  )
  return [...new Set(files.map((f) => f.domain))]
    .map((domain) => ({
      name: `serve/${domain}`,
      kind: 'serving' as const,
      functions: files.filter((f) => f.domain === domain && serving.has(f.name)),
    }))
    .filter((b) => b.functions.length > 0)
}

/** One bundle to make: its name (and file), kind and functions. */
interface Bundle {
  name: string
  kind: BundleReport['kind']
  functions: EntryFunction[]
}

/** Where generated entry sources are written (git-ignored), a folder per build. */
const ENTRIES_DIR = join(ROOT, '.oms', 'entries')

export async function buildBundles({
  outDir = join(ROOT, 'dist'),
  selectors = [],
  minify = true,
}: BuildOptions = {}): Promise<BundleReport[]> {
  const files = (await listFunctionFiles()).filter(
    (f) => selectors.length === 0 || selectors.some((s) => matches(s, f)),
  )
  const bundles: Bundle[] = [
    ...files.map((fn) => ({ name: fn.name, kind: 'function' as const, functions: [fn] })),
    ...[...new Set(files.map((f) => f.domain))].map((domain) => ({
      name: domain,
      kind: 'domain' as const,
      functions: files.filter((f) => f.domain === domain),
    })),
    ...(await servingBundles(files, selectors)),
  ]
  // A folder of its own, so builds running at once (parallel tests) leave each other's alone.
  await mkdir(ENTRIES_DIR, { recursive: true })
  const entryDir = await mkdtemp(join(ENTRIES_DIR, 'build-'))
  try {
    return await buildInto(outDir, bundles, entryDir, minify)
  } finally {
    await rm(entryDir, { recursive: true, force: true })
  }
}

async function buildInto(
  outDir: string,
  bundles: readonly Bundle[],
  entryDir: string,
  minify: boolean,
): Promise<BundleReport[]> {
  const entryPoints: Record<string, string> = {}
  for (const b of bundles) {
    const file = join(entryDir, `${b.name}.ts`)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, bundleEntry(b.functions, SERVE_MODULE, dirname(file)))
    // The bundle is <name>.main.mjs; <name>.mjs, what is run, is its start file (start-file.ts).
    entryPoints[`${b.name}.main`] = file
  }
  // Beside the functions: the gRPC health probe containers' health checks run.
  entryPoints['health-probe'] = join(ROOT, 'runtime', 'grpc', 'health-probe.ts')
  await rm(outDir, { recursive: true, force: true })
  // What domains make at build time (e.g. client code) is embedded, so bundles need no build tools.
  const embedded: Record<string, Readonly<Record<string, string>>> = {}
  const wanted = new Set(bundles.flatMap((b) => b.functions.map((f) => f.domain)))
  for (const domain of await loadDomains())
    if (wanted.has(domain.name) && domain.spec.embed)
      embedded[domain.name] = await domain.spec.embed()
  // One build for all bundles: shared code lands in shared chunks, each entry loads only its own.
  const { metafile: meta } = await build({
    entryPoints,
    bundle: true,
    splitting: true,
    platform: 'node',
    // ES module builds first (esbuild's default for node is CommonJS first): only ES modules
    // are tree-shaken, which keeps most of OpenTelemetry's packages out of every bundle.
    mainFields: ['module', 'main'],
    target: 'node22',
    format: 'esm',
    outdir: outDir,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: true,
    // Maps without the sources inlined: `--enable-source-maps` reads a fraction of the bytes
    // at start (stack traces still name the original files and lines).
    sourcesContent: false,
    minify,
    metafile: true,
    logLevel: 'silent',
    plugins: [embedPlugin(embedded), builtinRequirePlugin()],
    // Only reached when running from source (build-time assets are embedded above).
    external: ['esbuild'],
    // CommonJS packages inside an ES module bundle still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __omsCreateRequire } from 'node:module'; const require = __omsCreateRequire(import.meta.url);",
    },
  })
  // Maps keep only the mappings into the project's own code (see own-mappings.ts).
  await Promise.all(
    Object.keys(meta.outputs)
      .filter((file) => file.endsWith('.map'))
      .map(async (file) => {
        const path = resolve(file) // metafile paths are relative to the working directory
        const map = JSON.parse(await readFile(path, 'utf8')) as RawSourceMap
        await writeFile(path, JSON.stringify(ownMappingsOnly(map)))
      }),
  )
  const starts = new Map<string, { file: string; bytes: number }>()
  for (const b of bundles) {
    const file = join(outDir, `${b.name}.mjs`)
    const source = startFileSource(file, join(outDir, `${b.name}.main.mjs`), outDir)
    await writeFile(file, source)
    starts.set(b.name, { file, bytes: Buffer.byteLength(source) })
  }
  await warmCompileCache(outDir)
  return bundles.map((b) => {
    const entryPoint = entryPoints[`${b.name}.main`]
    const entry = Object.keys(meta.outputs).find(
      (f) => resolve(meta.outputs[f]?.entryPoint ?? '') === entryPoint,
    ) as string
    const start = starts.get(b.name) as { file: string; bytes: number }
    const loaded = startFiles(meta, entry)
    const lazy = new Set<string>()
    const visitLazy = (file: string) => {
      for (const imp of meta.outputs[file]?.imports ?? []) {
        if (imp.external || loaded.has(imp.path) || lazy.has(imp.path)) continue
        lazy.add(imp.path)
        visitLazy(imp.path)
      }
    }
    for (const file of loaded) visitLazy(file)
    const bytes = (set: Set<string>) =>
      [...set].reduce((sum, f) => sum + (meta.outputs[f]?.bytes ?? 0), 0)
    return {
      name: b.name,
      kind: b.kind,
      file: relative(process.cwd(), start.file),
      startBytes: start.bytes + bytes(loaded),
      lazyBytes: bytes(lazy),
      packages: packagesIn(meta, loaded),
    }
  })
}
