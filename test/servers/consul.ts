/**
 * The Consul agent the integration tests use: CONSUL_HTTP_ADDR when set, else a dev agent
 * (`consul agent -dev`, one in-memory server) started here on free ports and stopped
 * afterwards. The binary is $CONSUL_BIN, else $(go env GOPATH)/bin/consul (what
 * `.ci/install-consul.sh` builds from source), else /tmp/consul-bin/consul. Without one,
 * tests skip with a printed reason — except under CI (CI set), where it is a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryUnavailable } from './binary-check.ts'
import { freePort } from './free-port.ts'
import { goBin } from './go-bin.ts'

/** How long a dev agent may take to elect itself leader. */
const START_TIMEOUT_MS = 20_000

export interface ConsulServer {
  /** `host:port` of the agent's HTTP API. */
  addr: string
  /** The agent's process id, when it was started here. */
  pid?: number
  /** Stops the agent started here (nothing for one found through CONSUL_HTTP_ADDR). */
  close(): Promise<void>
}

export interface ConsulOptions {
  /** Start an agent of our own even when CONSUL_HTTP_ADDR is set (default false). */
  own?: boolean
}

/** The first Consul binary found, or the places looked at. */
function findBinary(): { bin?: string; looked: string[] } {
  const looked = [process.env.CONSUL_BIN, join(goBin(), 'consul'), '/tmp/consul-bin/consul'].filter(
    (p): p is string => Boolean(p),
  )
  return { bin: looked.find((p) => existsSync(p)), looked }
}

/**
 * Why the Consul tests cannot run here, or undefined when they can. Prints the reason once;
 * under CI it throws instead.
 */
export function consulUnavailable({ own = false }: ConsulOptions = {}): string | undefined {
  if (process.env.CONSUL_HTTP_ADDR && !own) return undefined
  const { bin, looked } = findBinary()
  const fix = `build it with .ci/install-consul.sh, or set CONSUL_HTTP_ADDR (looked at ${looked.join(', ')})`
  return binaryUnavailable('Consul', bin, 'version', fix)
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

async function leader(addr: string): Promise<string> {
  const res = await fetch(`http://${addr}/v1/status/leader`, { signal: AbortSignal.timeout(1000) })
  return res.ok ? ((await res.json()) as string) : ''
}

/** Finds the agent at CONSUL_HTTP_ADDR, or starts a dev agent. Check `consulUnavailable()` first. */
export async function startConsul({ own = false }: ConsulOptions = {}): Promise<ConsulServer> {
  if (process.env.CONSUL_HTTP_ADDR && !own)
    return { addr: process.env.CONSUL_HTTP_ADDR.replace(/^https?:\/\//, ''), close: async () => {} }
  const { bin } = findBinary()
  if (!bin) throw new Error('no consul binary: check consulUnavailable() first')
  const dir = await mkdtemp(join(tmpdir(), 'oms-consul-'))
  const ports = new Set<number>()
  while (ports.size < 4) ports.add(await freePort())
  const [http, serfLan, serfWan, server] = [...ports] as [number, number, number, number]
  const addr = `127.0.0.1:${http}`
  const child = spawn(
    bin,
    [
      'agent',
      '-dev',
      '-bind=127.0.0.1',
      '-client=127.0.0.1',
      `-http-port=${http}`,
      '-dns-port=-1',
      '-grpc-port=-1',
      '-grpc-tls-port=-1',
      `-serf-lan-port=${serfLan}`,
      `-serf-wan-port=${serfWan}`,
      `-server-port=${server}`,
      `-data-dir=${dir}`,
      `-node=oms-test-${http}`,
      '-log-level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const close = async () => {
    await stopProcess(child)
    await rm(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) {
      await close()
      throw new Error(`consul exited with code ${child.exitCode} at start:\n${output}`)
    }
    try {
      if (await leader(addr)) return { addr, pid: child.pid, close }
    } catch {}
    if (Date.now() > deadline) {
      await close()
      throw new Error(`consul elected no leader within ${START_TIMEOUT_MS} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
