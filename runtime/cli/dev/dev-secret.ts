/**
 * The webhook secret `oms dev` runs with when none is set: made once per checkout and kept in
 * `.oms/dev/webhook-secret` (git-ignored), so a reload — or the next session — signs and checks
 * webhooks with the same secret, and open order pages keep working.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const SECRET = /^whsec_\w+$/

export function keptWebhookSecret(file: string): string {
  try {
    const kept = readFileSync(file, 'utf8').trim()
    if (SECRET.test(kept)) return kept
  } catch {}
  const secret = `whsec_${randomBytes(24).toString('hex')}`
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
