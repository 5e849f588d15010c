/**
 * The CLI's shell (bin/cli-shell.js builds it from runtime/cli/main.ts) is what `oms --help`
 * and `oms ls` run: it must import nothing but Node's modules and commander at start, and
 * leave the runtime to imports of its source files, made only when a command needs them.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from './cli.ts'

const run = promisify(execFile)

describe('the prebuilt CLI shell', () => {
  // Inside the project, as the real one is: the bundle finds commander in node_modules.
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true })
  const cacheDir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'oms-shell-test-'))
  let bundle: string
  beforeAll(async () => {
    const { buildShell } = (await import(join(ROOT, 'bin', 'cli-shell.js'))) as {
      buildShell(o: { root: string; cacheDir: string }): Promise<string>
    }
    bundle = await buildShell({ root: ROOT, cacheDir })
  })
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }))

  it('imports only Node modules and commander at start; the rest from source, when needed', () => {
    const code = readFileSync(bundle, 'utf8')
    const statics = [...code.matchAll(/^import .* from "([^"]+)";?$/gm)].map((m) => m[1])
    expect(statics.length).toBeGreaterThan(0)
    expect(statics.filter((s) => !s?.startsWith('node:') && s !== 'commander')).toEqual([])
    const lazy = [...code.matchAll(/import\("(file:[^"]+)"\)/g)].map((m) => m[1] as string)
    expect(lazy).toContain(new URL('../runtime/host.ts', import.meta.url).href)
    for (const url of lazy) expect(existsSync(fileURLToPath(url))).toBe(true)
  })

  it('prints help with plain node, no TypeScript loader', async () => {
    const { stdout } = await run(process.execPath, [bundle, 'invoke', '--help'])
    expect(stdout).toMatch(/^Usage: oms invoke \[options\] <function>/)
    expect(stdout).toContain('--url <url>')
  })
})
