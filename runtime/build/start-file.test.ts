/**
 * The start file in front of each bundle: stack traces name the original sources, and a
 * bundle built by `oms build` starts from V8's compile cache, every module it loads accepted.
 */
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../test/servers/free-port.ts'
import { buildBundles } from './build-bundles.ts'
import { COMPILE_CACHE_DIR, startFileSource } from './start-file.ts'

const run = promisify(execFile)
/** Node's own compile-cache log (NODE_DEBUG_NATIVE), which says what it read and accepted. */
const CACHE_LOG = { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' }
const hasCompileCache = typeof (await import('node:module')).enableCompileCache === 'function'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oms-start-file-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('the start file', () => {
  it('maps stack traces to the original sources', async () => {
    const out = join(dir, 'maps')
    await mkdir(join(out, 'src'), { recursive: true })
    const source = join(out, 'src', 'fail.ts')
    await writeFile(
      source,
      "export function fail(what: string): never {\n  throw new Error('failed: ' + what)\n}\nfail('at start')\n",
    )
    await build({
      entryPoints: { 'fail.main': source },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      sourcemap: true,
      sourcesContent: false,
      outdir: out,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    })
    await writeFile(
      join(out, 'fail.mjs'),
      startFileSource(join(out, 'fail.mjs'), join(out, 'fail.main.mjs'), out),
    )
    const failed = await run(process.execPath, [join(out, 'fail.mjs')]).catch(
      (err: { stderr: string }) => err,
    )
    expect('stderr' in failed && failed.stderr).toMatch(/failed: at start/)
    // The throwing line of the TypeScript source, not a column of the minified bundle.
    expect((failed as { stderr: string }).stderr).toMatch(/src\/fail\.ts:2:\d+/)
  })
})

describe.skipIf(!hasCompileCache)("a built bundle's start", () => {
  let dist: string
  beforeAll(async () => {
    dist = join(dir, 'dist')
    await buildBundles({ outDir: dist, selectors: ['menu'] })
  }, 60_000)

  /** Starts dist/menu.mjs until its banner, and returns what it wrote on stderr. */
  async function start(env: Record<string, string>, nodeArgs: string[] = []): Promise<string> {
    const child = spawn(process.execPath, [...nodeArgs, join(dist, 'menu.mjs')], {
      env: { ...process.env, ...env, GRPC_PORT: String(await freePort()), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await new Promise<void>((resolve, reject) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (/functions? up/.test(stderr)) resolve()
      })
      child.once('exit', (code) =>
        reject(new Error(`exited ${code} before its banner:\n${stderr}`)),
      )
    })
    child.kill('SIGTERM')
    await exited
    return stderr
  }

  it('comes with a compile cache for this Node and user', async () => {
    const folders = await readdir(join(dist, COMPILE_CACHE_DIR))
    expect(folders).toContainEqual(expect.stringContaining(process.version))
  })

  it('reads every module it loads from the compile cache', async () => {
    const log = await start(CACHE_LOG)
    const accepted = [...log.matchAll(/V8 code cache for ESM (\S+) was accepted/g)].map((m) => m[1])
    const chunks = accepted.filter((url) => url?.includes('/chunks/'))
    expect(chunks.length).toBeGreaterThan(10)
    expect(log).not.toMatch(/was rejected|reading cache from .* failed/)
    // Every chunk it loaded (where all the code is; the bundle's own file is a few lines).
    const loaded = [...log.matchAll(/for ESM (file:\S+?\/chunks\/\S+?)\.\.\./g)].map((m) => m[1])
    expect(new Set(chunks)).toEqual(new Set(loaded))
  })

  it('loads no web Request/Response (undici) in a process without HTTP functions', async () => {
    // What Node loaded, written as the process exits (it stops on SIGTERM).
    const report = `process.on('exit', () => console.error('LOADED ' + process.moduleLoadList.join(',')))`
    const log = await start({}, ['--import', `data:text/javascript,${encodeURIComponent(report)}`])
    expect(log).toMatch(/LOADED /)
    const loaded = log.slice(log.indexOf('LOADED ')).split(',')
    // It serves gRPC and its own /metrics and /healthz listener over Node's HTTP.
    expect(loaded).toContain('NativeModule http')
    expect(loaded).toContain('NativeModule http2')
    expect(loaded.filter((m) => m.includes('undici'))).toEqual([])
  })

  it('starts without it when it is turned off', async () => {
    const log = await start({ ...CACHE_LOG, NODE_DISABLE_COMPILE_CACHE: '1' })
    expect(log).not.toMatch(/was accepted/)
  })
})
