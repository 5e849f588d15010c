/**
 * The system as separate OS processes, each running one domain's esbuild bundle (what a
 * container runs), talking over gRPC on loopback and RabbitMQ, finding each other through the
 * static address map (OMS_ADDRESSES) or Consul.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

export const DOMAINS = ['gateway', 'orders', 'stock', 'menu', 'payments', 'kitchen'] as const
export type Domain = (typeof DOMAINS)[number]

export interface DomainProcess {
  domain: Domain
  child: ChildProcess
  /** Everything it wrote on stderr (banner, shutdown messages). */
  stderr: () => string
  /** Resolves with the exit code. */
  exited: Promise<number | null>
}

export interface ProcessSystem {
  url: string
  env: Record<string, string>
  processes: Map<Domain, DomainProcess>
  /** Starts (another) process for a domain with extra variables. */
  spawnDomain(domain: Domain, extra?: Record<string, string>): Promise<DomainProcess>
  stop(): Promise<void>
}

/** Starts one process per domain from the bundles in `distDir`; resolves once all are up. */
export async function startProcesses(
  distDir: string,
  env: Record<string, string>,
): Promise<ProcessSystem> {
  const ports = {
    gateway: await freePort(),
    payments: await freePort(),
    orders: await freePort(),
    stock: await freePort(),
    menu: await freePort(),
  }
  const url = `http://127.0.0.1:${ports.gateway}`
  const shared: Record<string, string> = {
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    OMS_ADDRESSES: `orders=127.0.0.1:${ports.orders},stock=127.0.0.1:${ports.stock},menu=127.0.0.1:${ports.menu},payments=127.0.0.1:${ports.payments}`,
    ...env,
  }
  const own: Record<Domain, Record<string, string>> = {
    gateway: { PORT: String(ports.gateway) },
    payments: { PORT: String(ports.payments) },
    orders: { GRPC_PORT: String(ports.orders) },
    stock: { GRPC_PORT: String(ports.stock) },
    menu: { GRPC_PORT: String(ports.menu) },
    kitchen: {},
  }
  const processes = new Map<Domain, DomainProcess>()
  const all: DomainProcess[] = []

  const spawnDomain = async (domain: Domain, extra: Record<string, string> = {}) => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', join(distDir, `${domain}.mjs`)],
      {
        env: { ...process.env, ...shared, ...own[domain], ...extra },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let err = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    )
    const proc: DomainProcess = { domain, child, stderr: () => err, exited }
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

  // Servers first, then their callers.
  for (const domain of ['menu', 'stock', 'orders', 'payments', 'kitchen', 'gateway'] as const)
    await spawnDomain(domain)
  return {
    url,
    env: shared,
    processes,
    spawnDomain,
    async stop() {
      for (const p of all) if (p.child.exitCode === null) p.child.kill('SIGTERM')
      await Promise.all(all.map((p) => p.exited))
    },
  }
}
