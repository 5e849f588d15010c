import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fingerprint } from './catalog-cache.ts'

describe("the catalog's fingerprint", () => {
  const root = mkdtempSync(join(tmpdir(), 'oms-catalog-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const file = (path: string, text = 'x') => {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }

  it('changes when a source is added, changed, touched or removed; not for tests', () => {
    file('functions/a/one.ts')
    file('shared/events.ts')
    const first = fingerprint(root)
    expect(fingerprint(root)).toBe(first)
    file('functions/a/one.test.ts')
    expect(fingerprint(root)).toBe(first)
    file('functions/a/two.ts')
    const added = fingerprint(root)
    expect(added).not.toBe(first)
    file('shared/events.ts', 'longer')
    const changed = fingerprint(root)
    expect(changed).not.toBe(added)
    utimesSync(join(root, 'shared/events.ts'), new Date(), new Date(Date.now() + 5000))
    expect(fingerprint(root)).not.toBe(changed)
    file('package-lock.json', '{}')
    const locked = fingerprint(root)
    rmSync(join(root, 'functions/a/two.ts'))
    expect(fingerprint(root)).not.toBe(locked)
  })
})
