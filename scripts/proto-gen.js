// Generates TypeScript types and grpc-js service definitions from proto/*.proto into
// proto/gen with buf + ts-proto. With --check, generates into a temporary folder and
// fails when proto/gen differs (stale generated code).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GEN_DIR = 'proto/gen'
const check = process.argv.includes('--check')
const buf = join('node_modules', '.bin', 'buf')

execFileSync(buf, ['lint'], { stdio: 'inherit' })
if (!check) {
  rmSync(GEN_DIR, { recursive: true, force: true })
  execFileSync(buf, ['generate'], { stdio: 'inherit' })
  process.exit(0)
}

const out = mkdtempSync(join(tmpdir(), 'oms-proto-'))
try {
  execFileSync(buf, ['generate', '--output', out], { stdio: 'inherit' })
  const fresh = join(out, GEN_DIR)
  const names = new Set([...readdirSync(fresh), ...readdirSync(GEN_DIR)])
  const stale = [...names].filter((name) => {
    try {
      return !readFileSync(join(fresh, name)).equals(readFileSync(join(GEN_DIR, name)))
    } catch {
      return true
    }
  })
  if (stale.length > 0) {
    console.error(`proto/gen is stale (${stale.join(', ')}): run npm run proto:gen and commit`)
    process.exit(1)
  }
  console.error('proto/gen is up to date')
} finally {
  rmSync(out, { recursive: true, force: true })
}
