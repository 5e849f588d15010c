/**
 * The registry on Consul (used when CONSUL_HTTP_ADDR is set), through the `consul` client.
 *
 * - register: one Consul service instance per hosted function and process, named
 *   `serviceNameOf(fn)` (`billing.create-invoice` → `billing--create-invoice`, see service-name.ts)
 *   with the function's own name in Meta, the runtime's id, advertised address and port, and
 *   its tags (`domain:<d>`, `trigger:<grpc|http>`).
 * - Health: a TCP check on that address and port, every 2 s (1 s timeout), deregistered by
 *   Consul after 1 min critical. Chosen over a TTL check because it proves what a caller
 *   needs — that the very address callers dial accepts connections, seen from the agent's
 *   side of the network — and it reacts fastest to a dead process: the kernel refuses the
 *   port at once after a crash or SIGKILL, so the next check (≤ 2 s) turns it critical, where
 *   a TTL check would wait out its TTL and says nothing about reachability (a wrong
 *   ADVERTISE_HOST would look healthy). It costs the process nothing. A stuck event loop
 *   still accepts TCP; gRPC deadlines bound that case. The check starts `passing`: the
 *   runtime registers only once its server listens, so callers need not wait up to one
 *   interval for the first check, and the first check confirms it.
 * - deregister: removes the instance at once (the runtime calls it first in stop()); an id
 *   the agent does not know is already gone.
 * - resolve: from the in-memory cache of service-cache.ts, refreshed by blocking queries;
 *   only instances whose checks pass.
 * - Start: waits up to 5 s for the agent and a cluster leader, then fails naming
 *   CONSUL_HTTP_ADDR.
 */
import Consul from 'consul'
import type { Logger } from '../../../ports/logger.ts'
import type { Instance, Registry } from '../../../ports/registry.ts'
import { parseConsulAddress } from './consul-address.ts'
import { serviceCache } from './service-cache.ts'
import { FUNCTION_META, serviceNameOf } from './service-name.ts'
import { waitForAgent } from './wait-for-agent.ts'

export interface ConsulRegistryOptions {
  /** CONSUL_HTTP_ADDR: `host:port` or `http(s)://host:port`. */
  address: string
  log: Logger
  /** How long start may wait for the agent and a cluster leader (default 5 s). */
  startTimeoutMs?: number
  /** Timeout of each request other than blocking queries (default 5 s). */
  requestTimeoutMs?: number
  /** Health check interval (default 2 s), its timeout (default 1 s). */
  checkIntervalMs?: number
  checkTimeoutMs?: number
  /** Consul drops an instance whose check stays critical this long (default 1 min). */
  deregisterCriticalAfterMs?: number
  /** Longest wait of one blocking query (default 30 s). */
  watchWaitMs?: number
  /** How long the first lookup of a name waits for the agent (default 3 s). */
  firstAnswerTimeoutMs?: number
  /** Longest pause between retries while the agent cannot be reached (default 5 s). */
  retryMaxMs?: number
}

/** Connects to the agent at `address` (waiting for a leader) and returns the registry. */
export async function consulRegistry(options: ConsulRegistryOptions): Promise<Registry> {
  const {
    log,
    startTimeoutMs = 5000,
    requestTimeoutMs = 5000,
    checkIntervalMs = 2000,
    checkTimeoutMs = 1000,
    deregisterCriticalAfterMs = 60_000,
  } = options
  const address = parseConsulAddress(options.address)
  // `timeout` is a documented client option (papi's) that the constructor's type leaves out;
  // blocking queries set their own, longer one.
  const clientOptions = {
    host: address.host,
    port: address.port,
    secure: address.secure,
    timeout: requestTimeoutMs,
  }
  const consul = new Consul(clientOptions)
  try {
    await waitForAgent(consul, address.href, startTimeoutMs)
  } catch (err) {
    consul.destroy()
    throw err
  }
  const cache = serviceCache({
    consul,
    agent: address.href,
    log,
    waitMs: options.watchWaitMs,
    firstAnswerTimeoutMs: options.firstAnswerTimeoutMs,
    retryMaxMs: options.retryMaxMs,
  })
  log.debug({ agent: address.href }, 'Consul registry ready')

  return {
    kind: 'consul',
    async register(instance: Instance) {
      const target = `${instance.host}:${instance.port}`
      await consul.agent.service.register({
        id: instance.id,
        name: serviceNameOf(instance.name),
        address: instance.host,
        port: instance.port,
        tags: [...instance.tags],
        meta: { [FUNCTION_META]: instance.name },
        check: {
          name: `TCP ${target}`,
          tcp: target,
          interval: `${checkIntervalMs}ms`,
          timeout: `${checkTimeoutMs}ms`,
          deregistercriticalserviceafter: `${deregisterCriticalAfterMs}ms`,
          status: 'passing',
        },
      })
    },
    async deregister(id) {
      try {
        await consul.agent.service.deregister(id)
      } catch (err) {
        // Unknown to the agent: already gone (deregistered, or reaped after being critical).
        if ((err as { statusCode?: number }).statusCode !== 404) throw err
      }
    },
    resolve: (name) => cache.lookup(name),
    async close() {
      cache.close()
      consul.destroy()
    },
  }
}
