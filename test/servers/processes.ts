/**
 * The system as separate OS processes, each running one domain's esbuild bundle (what a
 * container runs), talking over gRPC on loopback and RabbitMQ, finding each other through the
 * static address map (OMS_ADDRESSES) or Consul. The domains, their ports, the address map and
 * the start order all come from the function catalog (see topology.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { loadTopology, type Topology } from './topology.ts'

const topology: Topology = await loadTopology()

/** Every domain of the catalog, one process each. */
export const DOMAINS: readonly string[] = topology.domains
export type Domain = string

/** The variables naming the ports a domain listens on, given its ports. */
function portsEnv(domain: Domain, ports: DomainPorts): Record<string, string> {
  const own = ports.get(domain) ?? {}
  return {
    ...(own.http !== undefined && { PORT: String(own.http) }),
    ...(own.grpc !== undefined && { GRPC_PORT: String(own.grpc) }),
  }
}

type DomainPorts = ReadonlyMap<Domain, { http?: number; grpc?: number }>

/**
 * A free port for each server a domain runs: HTTP for HTTP functions, gRPC for gRPC methods —
 * and gRPC for a domain with neither, whose gRPC server serves only the health service.
 */
async function pickPorts(): Promise<DomainPorts> {
  const ports = new Map<Domain, { http?: number; grpc?: number }>()
  for (const domain of DOMAINS) {
    const role = topology.role(domain)
    ports.set(domain, {
      ...(role.http && { http: await freePort() }),
      ...((role.grpc || !role.http) && { grpc: await freePort() }),
    })
  }
  return ports
}

/**
 * OMS_ADDRESSES: each gRPC domain at its gRPC port, and each HTTP domain that forwards target
 * at its HTTP port (by function name when the domain also serves gRPC, as one key holds one
 * address).
 */
function addressesOf(ports: DomainPorts): string {
  const entries: string[] = []
  for (const domain of DOMAINS) {
    const role = topology.role(domain)
    const own = ports.get(domain) ?? {}
    if (role.grpc) entries.push(`${domain}=127.0.0.1:${own.grpc}`)
    if (role.forwardTargets.length === 0) continue
    const keys = role.grpc ? role.forwardTargets : [domain]
    for (const key of keys) entries.push(`${key}=127.0.0.1:${own.http}`)
  }
  return entries.join(',')
}

/** The internal credential the test processes share. */
export const INTERNAL_TOKEN = 'test-internal-token-shared-by-the-processes-0123'

export interface DomainProcess {
  domain: Domain
  child: ChildProcess
  /** Everything it wrote on stderr (banner, shutdown messages). */
  stderr: () => string
  /** Everything it wrote on stdout (its log lines, at LOG_LEVEL). */
  stdout: () => string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

export interface ProcessSystem {
  url: string
  /** Each domain's ports (gRPC for every domain without HTTP, for its health service). */
  ports: DomainPorts
  env: Record<string, string>
  processes: Map<Domain, DomainProcess>
  /** Starts (another) process for a domain with extra variables. */
  spawnDomain(domain: Domain, extra?: Record<string, string>): Promise<DomainProcess>
  /** SIGKILLs every process at once (a power cut of the whole tree), then starts them all again. */
  killAllAndRestart(): Promise<void>
  stop(): Promise<void>
}

/** Starts one process per domain from the bundles in `distDir`; resolves once all are up. */
export async function startProcesses(
  distDir: string,
  env: Record<string, string>,
  /** Variables of one domain's process only (e.g. its own certificate). */
  perDomain: (domain: Domain) => Record<string, string> = () => ({}),
): Promise<ProcessSystem> {
  const ports = await pickPorts()
  const entryPort = ports.get(topology.entry)?.http
  if (entryPort === undefined) throw new Error(`the entry point ${topology.entry} serves no HTTP`)
  const url = `http://127.0.0.1:${entryPort}`
  const shared: Record<string, string> = {
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    OMS_ADDRESSES: addressesOf(ports),
    // Calls between the processes are authenticated, as any multi-process deployment's must be.
    OMS_INTERNAL_TOKEN: INTERNAL_TOKEN,
    ...env,
  }
  const processes = new Map<Domain, DomainProcess>()
  const all: DomainProcess[] = []

  const spawnDomain = async (domain: Domain, extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [join(distDir, `${domain}.mjs`)], {
      env: {
        ...process.env,
        ...shared,
        ...portsEnv(domain, ports),
        ...perDomain(domain),
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    let out = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    // 'close', not 'exit': the process may exit before its last stderr is read, and a start
    // failure should show what it said.
    const exited = new Promise<number | null>((resolve) =>
      child.once('close', (code) => resolve(code)),
    )
    const proc: DomainProcess = { domain, child, stderr: () => err, stdout: () => out, exited }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${domain} did not start in time:\n${err}`)),
        20_000,
      )
      const check = () => {
        if (/functions? up/.test(err)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stderr?.on('data', check)
      void exited.then((code) => {
        clearTimeout(timer)
        reject(new Error(`${domain} exited (${code}) while starting:\n${err}`))
      })
    })
    all.push(proc)
    if (!processes.has(domain)) processes.set(domain, proc)
    return proc
  }

  // Servers first, then their callers; forward targets before the domain forwarding to them.
  for (const domain of topology.startOrder) await spawnDomain(domain)
  return {
    url,
    ports,
    env: shared,
    processes,
    spawnDomain,
    async killAllAndRestart() {
      const running = all.filter((p) => p.child.exitCode === null && p.child.signalCode === null)
      for (const p of running) p.child.kill('SIGKILL')
      await Promise.all(running.map((p) => p.exited))
      processes.clear()
      for (const domain of topology.startOrder) await spawnDomain(domain)
    },
    async stop() {
      for (const p of all) if (p.child.exitCode === null) p.child.kill('SIGTERM')
      await Promise.all(all.map((p) => p.exited))
    },
  }
}
