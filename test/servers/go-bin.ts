/** Where `go install` puts binaries: $(go env GOPATH)/bin, or ~/go/bin when go is absent. */
import { execFileSync } from 'node:child_process'
import { homedir } from 'node:os'
import { join } from 'node:path'

export function goBin(): string {
  try {
    const gopath = execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim()
    if (gopath) return join(gopath.split(':')[0] as string, 'bin')
  } catch {}
  return join(homedir(), 'go', 'bin')
}
