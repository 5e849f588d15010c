/**
 * The runtime knows no domain: no source file under runtime/ (tests aside) names any domain of
 * the catalog, or imports anything from functions/ or shared/ beyond the shared error type.
 * Everything the runtime knows of the domains comes from their declarations.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listDomainNames } from '../runtime/catalog.ts'

const ROOT = join(import.meta.dirname, '..')

async function runtimeSources(): Promise<string[]> {
  const entries = await readdir(join(ROOT, 'runtime'), { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name))
}

describe('the runtime', () => {
  it('names no domain in its sources', async () => {
    const domains = await listDomainNames()
    expect(domains.length).toBeGreaterThan(0)
    const word = new RegExp(`\\b(${domains.join('|')})\\b`)
    const found: string[] = []
    for (const file of await runtimeSources()) {
      const lines = (await readFile(file, 'utf8')).split('\n')
      lines.forEach((line, i) => {
        if (word.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`)
      })
    }
    expect(found).toEqual([])
  })

  it('imports nothing of the domains: no functions/, and of shared/ only the error type', async () => {
    const found: string[] = []
    for (const file of await runtimeSources()) {
      for (const [, path] of (await readFile(file, 'utf8')).matchAll(/from '([^']+)'/g)) {
        if (!path?.startsWith('.')) continue
        const target = relative(ROOT, join(file, '..', path))
        if (
          target.startsWith('functions/') ||
          (target.startsWith('shared/') && target !== 'shared/errors.ts')
        )
          found.push(`${relative(ROOT, file)} imports ${target}`)
      }
    }
    expect(found).toEqual([])
  })
})
