#!/usr/bin/env node
// The `oms` command. Its shell — commander, every command's options and help, the light
// helpers (runtime/cli/main.ts and what it imports statically) — runs as one prebuilt
// JavaScript file, so `oms --help` loads no TypeScript loader. It is rebuilt (bin/cli-shell.js,
// esbuild) whenever one of its sources changed. A command that needs the runtime registers
// tsx's loader first (typescriptReady in runtime/cli/typescript.ts) and imports the rest from
// source.
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = join(import.meta.dirname, '..')
/** Where the prebuilt shell lives (beside other tools' caches; git-ignored with node_modules). */
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'oms')

let tsx
globalThis[Symbol.for('oms.cli.typescript')] = () => {
  tsx ??= import('tsx/esm/api').then(({ register }) => {
    register()
  })
  return tsx
}

/** The prebuilt shell when every source it was built from is unchanged (same size and mtime). */
function freshShell() {
  try {
    const meta = JSON.parse(readFileSync(join(CACHE_DIR, 'cli.json'), 'utf8'))
    for (const [file, stamp] of Object.entries(meta.inputs)) {
      const s = statSync(join(ROOT, file))
      if (`${s.size}:${s.mtimeMs}` !== stamp) return undefined
    }
    return join(CACHE_DIR, meta.bundle)
  } catch {
    return undefined
  }
}

async function shell() {
  const fresh = freshShell()
  if (fresh) return fresh
  try {
    const { buildShell } = await import('./cli-shell.js')
    return await buildShell({ root: ROOT, cacheDir: CACHE_DIR })
  } catch (err) {
    if (process.env.DEBUG) process.stderr.write(`oms: no prebuilt shell (${err}); from source\n`)
    return undefined
  }
}

const bundle = await shell()
if (bundle) {
  await import(pathToFileURL(bundle).href)
} else {
  // Cannot build or write the shell (e.g. a read-only checkout): everything from source.
  await globalThis[Symbol.for('oms.cli.typescript')]()
  await import('../runtime/cli/main.ts')
}
