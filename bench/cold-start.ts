/**
 * 6. Cold start of each domain bundle (`oms build`'s dist/<domain>.mjs, run as its container
 * runs it: `node dist/<domain>.mjs`, NODE_ENV=production, with the compile cache `oms build`
 * made, as the image has it; once more without it, for comparison): from spawning the process to
 * its first answer — GET /healthz for HTTP domains, a gRPC call for gRPC domains (probing the
 * port until it accepts, then calling), the "functions up" banner for the kitchen worker.
 * On the embedded adapters and on RabbitMQ (connect and declare included); the median of
 * several runs, next to spawning `node -e ""` until it exits. Both run without
 * NODE_EXTRA_CA_CERTS: a machine that sets it (this one does) makes every Node process read
 * and parse that file at start (~30 ms here), which a container does not pay.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Client, credentials } from '@grpc/grpc-js'
import { loadFunctions } from '../runtime/catalog.ts'
import { messageCopies } from '../runtime/model/grpc-service.ts'
import { freePort } from '../test/servers/free-port.ts'
import { deleteNamespace } from '../test/servers/rabbitmq.ts'
import { type DomainRole, loadTopology, type Topology } from '../test/servers/topology.ts'
import { bundles } from './lib/bundles.ts'
import { profileFlags } from './lib/child.ts'
import { benchEnv, RABBIT_URL } from './lib/env.ts'
import { median } from './lib/load.ts'
import { accepting, type GrpcProbe, grpcAnswer, healthz } from './lib/probes.ts'
import { type Benchmark, n0, type Row } from './lib/report.ts'

const GOAL_MS = 150
const TIMEOUT_MS = 20_000

export type Probe = { kind: 'http' } | ({ kind: 'grpc' } & GrpcProbe) | { kind: 'banner' }

/**
 * How each domain's first answer is asked for, from the catalog: GET /healthz when it hosts an
 * HTTP function, else a call of one of its gRPC methods (a read: get…/list… when it has one)
 * with an empty request, else the banner.
 */
export async function probesOf(topology: Topology): Promise<Record<string, Probe>> {
  const functions = await loadFunctions()
  const probes: Record<string, Probe> = {}
  for (const domain of topology.domains) {
    if (topology.role(domain).http) {
      probes[domain] = { kind: 'http' }
      continue
    }
    const methods = functions.flatMap((f) =>
      f.domain === domain && f.def.kind === 'grpc' ? [f.def] : [],
    )
    const method = methods.find((m) => /^(get|list)[A-Z]/.test(m.method)) ?? methods[0]
    probes[domain] = method
      ? {
          kind: 'grpc',
          service: method.service,
          method: method.method,
          request: messageCopies(method.service, method.method).request({}),
        }
      : { kind: 'banner' }
  }
  return probes
}

/** The bench environment without NODE_EXTRA_CA_CERTS (see above). */
function startEnv(vars: Record<string, string> = {}): Record<string, string> {
  const { NODE_EXTRA_CA_CERTS: _, ...env } = benchEnv(vars)
  return env
}

/** Milliseconds from spawning the domain's bundle to its first answer. */
export async function coldStart(
  dir: string,
  domain: string,
  probe: Probe,
  role: DomainRole,
  vars: Record<string, string>,
) {
  // A port for each server it runs; the probe asks the one it answers on.
  const ports = { http: await freePort(), grpc: await freePort() }
  const port = probe.kind === 'grpc' ? ports.grpc : ports.http
  const own: Record<string, string> = {
    ...(role.http && { PORT: String(ports.http) }),
    ...(role.grpc && { GRPC_PORT: String(ports.grpc) }),
  }
  const grpcClient =
    probe.kind === 'grpc'
      ? new Client(`127.0.0.1:${port}`, credentials.createInsecure())
      : undefined
  let stderr = ''
  const start = performance.now()
  const child = spawn(
    process.execPath,
    [...profileFlags(`cold-start-${domain}`), join(dir, `${domain}.mjs`)],
    {
      env: startEnv({ NODE_ENV: 'production', ...vars, ...own }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const banner = new Promise<void>((resolve) =>
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (/functions? up/.test(stderr)) resolve()
    }),
  )
  let timer: NodeJS.Timeout | undefined
  try {
    const answered = (async () => {
      if (probe.kind === 'banner') return banner
      await accepting(port, child)
      if (probe.kind === 'http') {
        const status = await healthz(port)
        if (status !== 200) throw new Error(`GET /healthz answered ${status}`)
      } else await grpcAnswer(grpcClient as Client, probe, TIMEOUT_MS)
    })()
    await Promise.race([
      answered,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer in time')), TIMEOUT_MS)
      }),
    ])
    return performance.now() - start
  } catch (err) {
    throw new Error(`${domain}: ${err instanceof Error ? err.message : err}\n${stderr}`)
  } finally {
    clearTimeout(timer)
    grpcClient?.close()
    // SIGTERM (not SIGKILL) so that a CPU profile, when asked for, is written.
    child.kill('SIGTERM')
    await exited
  }
}

/** Milliseconds to spawn `node -e ""` until it exits. */
async function emptyNode(): Promise<number> {
  const start = performance.now()
  const child = spawn(process.execPath, ['-e', ''], { env: startEnv(), stdio: 'ignore' })
  await new Promise((resolve) => child.once('exit', resolve))
  return performance.now() - start
}

export const coldStartBench: Benchmark = {
  name: 'cold-start',
  title: 'Cold start of each domain bundle',
  async run({ quick }) {
    const runs = quick ? 2 : 7
    const { dir, reports } = await bundles()
    const topology = await loadTopology()
    const probes = await probesOf(topology)
    const start = (domain: string, vars: Record<string, string>) =>
      coldStart(dir, domain, probes[domain] as Probe, topology.role(domain), vars)
    const namespace = `bench${randomBytes(4).toString('hex')}`
    const configs = {
      embedded: {},
      rabbitmq: { AMQP_URL: RABBIT_URL, AMQP_NAMESPACE: namespace },
      noCompileCache: { NODE_DISABLE_COMPILE_CACHE: '1' },
    }
    const node: number[] = []
    for (let i = 0; i < runs; i++) node.push(await emptyNode())
    const times: Record<string, Record<string, number[]>> = {}
    try {
      for (const [config, vars] of Object.entries(configs)) {
        for (const domain of topology.domains) {
          await start(domain, vars) // first run warms the OS file cache
          const list: number[] = []
          for (let i = 0; i < runs; i++) list.push(await start(domain, vars))
          times[domain] = { ...times[domain], [config]: list }
        }
      }
    } finally {
      await deleteNamespace(namespace)
    }
    const nodeMs = median(node)
    const rows: Row[] = topology.domains.map((domain) => {
      const embedded = median(times[domain]?.embedded ?? [])
      const rabbitmq = median(times[domain]?.rabbitmq ?? [])
      const noCache = median(times[domain]?.noCompileCache ?? [])
      const report = reports.find((r) => r.kind === 'domain' && r.name === domain)
      const probe = probes[domain] as Probe
      const answer =
        probe.kind === 'http' ? 'GET /healthz' : probe.kind === 'grpc' ? 'gRPC call' : 'up banner'
      return {
        id: 6,
        what: `Cold start ${domain} (embedded; RabbitMQ)`,
        value: `${n0(embedded)} ms; ${n0(rabbitmq)} ms`,
        baseline: `${n0(nodeMs)} ms (node -e "")`,
        goal: `< ${GOAL_MS} ms`,
        met: Math.max(embedded, rabbitmq) < GOAL_MS,
        note: `to ${answer}; ${n0((report?.startBytes ?? 0) / 1024)} KiB loaded at start; embedded without the compile cache ${n0(noCache)} ms`,
      }
    })
    return { rows, details: { runs, nodeMs, node, times, bundles: reports } }
  },
}
