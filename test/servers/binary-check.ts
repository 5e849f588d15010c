/**
 * Whether a test server's binary can run here. When it cannot, the tests skip with the reason
 * printed once — except under CI (CI set), where a missing server is a failure.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const warned = new Set<string>()

/** Why `what` cannot run from `bin` (undefined when it can); throws under CI. */
export function binaryUnavailable(
  what: string,
  bin: string | undefined,
  versionArg: string,
  fix: string,
): string | undefined {
  let reason: string | undefined
  if (!bin || !existsSync(bin)) reason = `${bin ?? what} not found`
  else {
    try {
      execFileSync(bin, [versionArg], { stdio: 'pipe', timeout: 10_000 })
    } catch (err) {
      const said = String((err as { stderr?: Buffer }).stderr ?? err).split('\n')[0]
      reason = `${bin} does not run (${said})`
    }
  }
  if (!reason) return undefined
  if (process.env.CI) throw new Error(`${what} tests cannot run: ${reason}; ${fix}`)
  if (!warned.has(what)) console.warn(`skipping ${what} tests: ${reason}; ${fix}`)
  warned.add(what)
  return reason
}
