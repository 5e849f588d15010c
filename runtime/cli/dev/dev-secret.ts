/**
 * The secrets `oms dev` runs with when none is set, each made once per checkout and kept in a
 * file under `.oms/dev/` (git-ignored), so a reload — or the next session — uses the same: the
 * webhook secret (open order pages keep working), and the admin's and the staff's sign-in
 * credentials (signed-in screens stay signed in).
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/** The secret kept in `file` when it has the shape, else a new one made by `make` and kept. */
export function keptSecret(file: string, shape: RegExp, make: () => string): string {
  try {
    const kept = readFileSync(file, 'utf8').trim()
    if (shape.test(kept)) return kept
  } catch {}
  const secret = make()
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${secret}\n`, { mode: 0o600 })
  return secret
}

export const keptWebhookSecret = (file: string): string =>
  keptSecret(file, /^whsec_\w+$/, () => `whsec_${randomBytes(24).toString('hex')}`)

/** A sign-in credential: 24 characters, easy to type from the terminal. */
export const keptCredential = (file: string): string =>
  keptSecret(file, /^[\w-]{12,}$/, () => randomBytes(18).toString('base64url'))
