/**
 * `node:http` in a bundle: every way the code imports it works as it does unbundled — named
 * static imports, a dynamic import split into a chunk of its own with its named exports (what
 * OpenTelemetry's OTLP/HTTP exporter does to send), the default — and none loads undici.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinRequirePlugin } from './builtin-require-plugin.ts'

const run = promisify(execFile)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oms-builtin-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function bundleAndRun(source: string): Promise<string> {
  await writeFile(join(dir, 'entry.mjs'), source)
  await writeFile(join(dir, 'lazy.mjs'), 'export const load = () => import("http")\n')
  await build({
    entryPoints: [join(dir, 'entry.mjs')],
    outdir: join(dir, 'out'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    plugins: [builtinRequirePlugin()],
    logLevel: 'silent',
  })
  const { stdout } = await run(process.execPath, [join(dir, 'out', 'entry.mjs')])
  return stdout.trim()
}

describe('node:http in a bundle', () => {
  it('gives named and default exports to static and dynamic imports, loading no undici', async () => {
    const out = await bundleAndRun(`
      import { createServer, STATUS_CODES } from 'node:http'
      import http from 'http'
      import { load } from './lazy.mjs'
      const { request, Agent } = await load()
      console.log(JSON.stringify({
        createServer: typeof createServer,
        status: STATUS_CODES[404],
        same: http.createServer === createServer,
        request: typeof request,
        agent: typeof new Agent({ keepAlive: true }).destroy,
        undici: process.moduleLoadList.filter((m) => m.includes('undici')).length,
      }))
    `)
    expect(JSON.parse(out)).toEqual({
      createServer: 'function',
      status: 'Not Found',
      same: true,
      request: 'function',
      agent: 'function',
      undici: 0,
    })
  })

  it('fails the build on a lazy getter imported by name, rather than loading undici at start', async () => {
    await expect(
      bundleAndRun(`import { WebSocket } from 'node:http'\nconsole.log(typeof WebSocket)`),
    ).rejects.toThrow(/WebSocket/)
  })
})
