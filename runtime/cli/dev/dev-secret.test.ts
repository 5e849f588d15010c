import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { keptWebhookSecret } from './dev-secret.ts'

describe("oms dev's webhook secret", () => {
  it('is made once, kept private in its file, and the same every time after', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oms-dev-')), 'dev', 'webhook-secret')
    const first = keptWebhookSecret(file)
    expect(first).toMatch(/^whsec_[0-9a-f]{48}$/)
    expect(keptWebhookSecret(file)).toBe(first)
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('replaces a file that holds no secret', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oms-dev-')), 'webhook-secret')
    writeFileSync(file, 'not a secret\n')
    expect(keptWebhookSecret(file)).toMatch(/^whsec_/)
  })
})
