/**
 * `oms start <domain>` warns at start, one line per peer function its domain calls that it
 * cannot reach, and says how to fix it; it keeps starting.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { OMS, ROOT } from './cli.ts'
import { freePort } from './servers/free-port.ts'

/** Starts `oms start <args>` and resolves with its stderr once the peer check has printed. */
function startUntilPeersChecked(
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; stderr: Promise<string> } {
  const child = spawn(process.execPath, [OMS, 'start', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const stderr = new Promise<string>((resolve, reject) => {
    let text = ''
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString()
      if (/oms: calls to (it|them) fail/.test(text)) resolve(text)
    })
    child.on('exit', (code) => reject(new Error(`oms start exited (${code}):\n${text}`)))
  })
  return { child, stderr }
}

describe('oms start warns about the peers it cannot reach', () => {
  let child: ChildProcess | undefined
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  })

  it('on embedded defaults: every method of the services it calls, then how to reach them', async () => {
    const ports = { PORT: String(await freePort()), GRPC_PORT: String(await freePort()) }
    const started = startUntilPeersChecked(['orders'], ports)
    child = started.child
    const lines = (await started.stderr).split('\n')
    // Started all the same.
    expect(lines[0]).toMatch(/^oms: \d+ functions up/)
    const warnings = lines.filter((l) => l.startsWith('oms: warning:'))
    expect(warnings).toEqual(
      expect.arrayContaining([
        'oms: warning: menu.get-items (called by orders) cannot be reached: not hosted here, no registry set',
        'oms: warning: stock.reserve-stock (called by orders) cannot be reached: not hosted here, no registry set',
      ]),
    )
    // One line per peer function, none about what it hosts.
    expect(new Set(warnings).size).toBe(warnings.length)
    expect(warnings.some((l) => l.includes(' orders.'))).toBe(false)
    const fix = lines.find((l) => l.startsWith('oms: calls to them'))
    expect(fix).toContain('oms start orders menu stock')
    expect(fix).toContain('OMS_ADDRESSES')
    expect(fix).toContain('CONSUL_HTTP_ADDR')
    expect(child.exitCode).toBe(null)
  })

  it('with OMS_ADDRESSES: only the peers missing from it', async () => {
    const ports = { PORT: String(await freePort()), GRPC_PORT: String(await freePort()) }
    const started = startUntilPeersChecked(['orders'], {
      ...ports,
      OMS_ADDRESSES: `menu=127.0.0.1:${await freePort()}`,
      OMS_INTERNAL_TOKEN: 'a-test-internal-token-of-32-characters',
    })
    child = started.child
    const warnings = (await started.stderr).split('\n').filter((l) => l.startsWith('oms: warning:'))
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.every((l) => /^oms: warning: stock\.\S+ .*not in OMS_ADDRESSES$/.test(l))).toBe(
      true,
    )
  })
})
