/** Source maps keep their mappings into own code, exactly, and map package code to nothing. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { SourceMap, type SourceMapPayload } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPackageSource, ownMappingsOnly, type RawSourceMap } from './own-mappings.ts'

let dir: string
let map: RawSourceMap
let code: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oms-maps-'))
  await mkdir(join(dir, 'node_modules/lib'), { recursive: true })
  await writeFile(
    join(dir, 'node_modules/lib/index.js'),
    'export function shout(text) {\n  const loud = text.toUpperCase()\n  return loud + "!"\n}\n',
  )
  await writeFile(
    join(dir, 'main.ts'),
    "import { shout } from 'lib'\n\nexport function greet(name: string): string {\n  const line = 'hello ' + name\n  return shout(line)\n}\nconsole.log(greet('ann'))\n",
  )
  const result = await build({
    entryPoints: [join(dir, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    sourcemap: 'external',
    sourcesContent: false,
    write: false,
    outdir: join(dir, 'out'),
    logLevel: 'silent',
  })
  for (const file of result.outputFiles) {
    if (file.path.endsWith('.map')) map = JSON.parse(file.text) as RawSourceMap
    else code = file.text
  }
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** What Node's SourceMap reads (the sources' text is not needed to look positions up). */
function payload(m: RawSourceMap): SourceMapPayload {
  const { version, sources, names, mappings } = m
  return { file: 'main.js', sourceRoot: '', version, sources, names, mappings, sourcesContent: [] }
}

/** Every generated position of the code (line, column), for comparing lookups. */
function positions(): [number, number][] {
  return code.split('\n').flatMap((line, l) => [...line].map((_, c): [number, number] => [l, c]))
}

describe('ownMappingsOnly', () => {
  it('tells package sources by a node_modules folder', () => {
    expect(isPackageSource('../node_modules/lib/index.js')).toBe(true)
    expect(isPackageSource('../../node_modules/@scope/pkg/x.js')).toBe(true)
    expect(isPackageSource('../runtime/host.ts')).toBe(false)
  })

  it('keeps own mappings exactly and maps package code to nothing', () => {
    expect(map.sources.some(isPackageSource)).toBe(true)
    const trimmed = ownMappingsOnly(map)
    expect(trimmed.sources).toEqual(map.sources.filter((s) => !isPackageSource(s)))
    const before = new SourceMap(payload(map))
    const after = new SourceMap(payload(trimmed))
    let own = 0
    let unmapped = 0
    for (const [line, column] of positions()) {
      const was = before.findEntry(line, column) as { originalSource?: string }
      const is = after.findEntry(line, column) as { originalSource?: string }
      if (was.originalSource && !isPackageSource(was.originalSource)) {
        expect(is).toEqual(was)
        own++
      } else {
        expect(is.originalSource).toBeUndefined()
        if (was.originalSource) unmapped++
      }
    }
    // Both kinds of code were there to check.
    expect(own).toBeGreaterThan(0)
    expect(unmapped).toBeGreaterThan(0)
  })

  it('keeps the other fields of the map', () => {
    const trimmed = ownMappingsOnly({ ...map, file: 'main.js', sourcesContent: [null, null] })
    expect(trimmed.version).toBe(3)
    expect(trimmed.file).toBe('main.js')
    expect(trimmed.sourcesContent).toEqual([null])
  })
})
