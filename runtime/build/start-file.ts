/**
 * What `node dist/<name>.mjs` runs: a few lines, not bundled, in front of the bundle
 * (dist/<name>.main.mjs) that set up two things before any of its code is loaded, which a
 * statement inside the bundle could not (an ES module's imports are all loaded first):
 *
 * - **Source maps** for stack traces (`module.setSourceMapsSupport`), the same as
 *   `--enable-source-maps` for errors. The flag would also map every `util.getCallSites()`,
 *   which pino calls whenever a logger is made: at start that parsed the maps of the chunks on
 *   the stack, for a call site nobody reads.
 * - **V8's compile cache** (`module.enableCompileCache`) in dist/.compile-cache, which
 *   `oms build` fills (see warmCompileCache): each module's code is read from it instead of
 *   being parsed and compiled again. Node keeps it per Node version and per user id, and uses
 *   it only when the folder is writable or on a read-only file system; otherwise, or with
 *   `NODE_DISABLE_COMPILE_CACHE=1`, the bundle starts as it would without it.
 */
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { promisify } from 'node:util'

/** The folder of the compile cache, inside the build's output folder. */
export const COMPILE_CACHE_DIR = '.compile-cache'

/** The script that fills the compile cache, written into the build's output folder. */
export const WARM_SCRIPT = 'warm-compile-cache.mjs'

/** The source of the start file at `startFile` in front of the bundle `mainFile`. */
export function startFileSource(startFile: string, mainFile: string, outDir: string): string {
  const here = join(startFile, '..')
  const main = `./${relative(here, mainFile).replaceAll('\\', '/')}`
  const cache = relative(here, join(outDir, COMPILE_CACHE_DIR)).replaceAll('\\', '/')
  return `// Written by \`oms build\`: starts ${basename(mainFile)} with source maps for stack traces and
// V8's compile cache (see runtime/build/start-file.ts).
import * as module from 'node:module'
import { fileURLToPath } from 'node:url'
if (module.setSourceMapsSupport) module.setSourceMapsSupport(true)
else process.setSourceMapsEnabled(true)
module.enableCompileCache?.({
  directory: fileURLToPath(new URL(${JSON.stringify(`${cache}/`)}, import.meta.url)),
  portable: true,
})
await import(${JSON.stringify(main)})
`
}

/**
 * The source of the script that fills the compile cache: it compiles every shared chunk —
 * where all of a bundle's code is, the adapters loaded on demand included — by importing
 * each, then writes the cache and exits. The bundles themselves are not run (they would
 * serve). Their own files are a few lines each.
 */
function warmScriptSource(): string {
  return `// Written by \`oms build\`: fills ${COMPILE_CACHE_DIR}/ for the user running it (see
// runtime/build/start-file.ts). Run it again as the user the bundles run as.
import { readdirSync } from 'node:fs'
import * as module from 'node:module'
import { fileURLToPath } from 'node:url'
const dir = fileURLToPath(new URL('./', import.meta.url))
const enabled = module.enableCompileCache?.({ directory: dir + ${JSON.stringify(COMPILE_CACHE_DIR)}, portable: true })
if (enabled?.status !== module.constants?.compileCacheStatus?.ENABLED) {
  console.error('compile cache not written:', enabled?.message ?? 'this Node.js has none')
  process.exit(0)
}
let compiled = 0
for (const file of readdirSync(dir + 'chunks').sort()) {
  if (!file.endsWith('.mjs')) continue
  // A chunk run on its own may fail; it was compiled (and cached) all the same.
  await import('./chunks/' + file).catch(() => {})
  compiled++
}
module.flushCompileCache()
console.error(\`compile cache: \${compiled} chunks in \${enabled.directory}\`)
process.exit(0)
`
}

/** The environment without what would point the cache elsewhere or load a loader. */
function withoutCacheSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, NODE_COMPILE_CACHE: __, ...rest } = env
  return rest
}

/**
 * Writes the warm script into `outDir` and runs it in a child process of this Node, so the
 * cache fits the Node version building (the image's build runs it again as its user).
 */
export async function warmCompileCache(outDir: string): Promise<void> {
  const script = join(outDir, WARM_SCRIPT)
  await writeFile(script, warmScriptSource())
  await promisify(execFile)(process.execPath, [script], {
    env: withoutCacheSettings(process.env),
    timeout: 60_000,
  })
}
