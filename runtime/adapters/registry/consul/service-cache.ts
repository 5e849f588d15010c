/**
 * The discovery cache of the Consul registry: for each function asked for, its passing
 * instances, kept current by one blocking query per name (`/v1/health/service/<name>
 * ?passing=true` with `index` and `wait`, through the client's documented `watch`). The
 * agent answers a blocking query as soon as the set changes — a registration, a
 * deregistration, a check turning critical — so the cache follows within milliseconds of
 * Consul knowing, and every lookup is answered from memory without a request.
 *
 * While the agent cannot be reached the watch retries with backoff and the cache keeps the
 * last list it had: a brief Consul outage does not take every call down with it.
 */
import type Consul from 'consul'
import { DomainError } from '../../../../shared/errors.ts'
import type { Logger } from '../../../ports/logger.ts'
import type { Instance } from '../../../ports/registry.ts'
import { serviceNameOf } from './service-name.ts'

type Watch = ReturnType<Consul['watch']>

/** The fields of a `/v1/health/service` entry the cache reads. */
interface HealthEntry {
  Node?: { Address?: string }
  Service: {
    ID: string
    Address?: string
    Port: number
    Tags?: string[] | null
  }
}

export interface ServiceCacheOptions {
  consul: Consul
  /** The agent's address, for messages. */
  agent: string
  log: Logger
  /** Longest a blocking query waits for a change before asking again (default 30 s). */
  waitMs?: number
  /** How long the first lookup of a name waits for the agent's answer (default 3 s). */
  firstAnswerTimeoutMs?: number
  /** Longest pause between retries while the agent cannot be reached (default 5 s). */
  retryMaxMs?: number
}

export interface ServiceCache {
  /** The passing instances of a function; the first call for a name may await one answer. */
  lookup(name: string): Promise<Instance[]>
  /** Stops every blocking query. */
  close(): void
}

interface Entry {
  instances?: Instance[]
  /** Settles on the first answer or the first failure, whichever comes first. */
  first: Promise<void>
  failure?: unknown
  watch: Watch
}

const toInstance = (name: string, { Node, Service }: HealthEntry): Instance => ({
  id: Service.ID,
  name,
  host: Service.Address || Node?.Address || '127.0.0.1',
  port: Service.Port,
  tags: Service.Tags ?? [],
})

/** A copy of the entry's instances (re-read after an await, which narrowing does not see). */
const listed = (entry: Entry) => entry.instances?.slice()

export function serviceCache(options: ServiceCacheOptions): ServiceCache {
  const { consul, agent, log, waitMs = 30_000, firstAnswerTimeoutMs = 3000 } = options
  const retryMaxMs = options.retryMaxMs ?? 5000
  const entries = new Map<string, Entry>()
  /** When the agent was first seen unreachable in the current outage. */
  let unreachableSince: number | undefined

  const reachable = () => {
    if (unreachableSince === undefined) return
    log.info({ agent, downMs: Date.now() - unreachableSince }, 'Consul agent reachable again')
    unreachableSince = undefined
  }

  const unreachable = (name: string, watch: Watch, err: unknown) => {
    // An answer since the outage began means the agent came back in between: a new outage.
    if (unreachableSince !== undefined && (watch.updateTime() ?? 0) > unreachableSince) reachable()
    if (unreachableSince !== undefined) return
    unreachableSince = Date.now()
    log.warn(
      { agent, fn: name, err: String((err as Error)?.message ?? err) },
      'Consul agent unreachable: serving the last known instances until it answers again',
    )
  }

  const watchName = (name: string): Entry => {
    const watch = consul.watch({
      method: consul.health.service,
      options: { service: serviceNameOf(name), passing: 'true', wait: `${waitMs}ms` },
      backoffFactor: 100,
      backoffMax: retryMaxMs,
    })
    let settle = () => {}
    const entry: Entry = {
      watch,
      first: new Promise<void>((resolve) => {
        settle = resolve
        setTimeout(resolve, firstAnswerTimeoutMs).unref()
      }),
    }
    watch.on('change', (data: HealthEntry[]) => {
      entry.instances = data
        .map((row) => toInstance(name, row))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
      entry.failure = undefined
      reachable()
      settle()
    })
    watch.on('error', (err: unknown) => {
      entry.failure = err
      unreachable(name, watch, err)
      settle()
    })
    watch.on('end', () => {
      // The client ends a watch only on an answer that can never succeed (HTTP 400).
      if (entries.get(name) === entry) entries.delete(name)
    })
    entries.set(name, entry)
    return entry
  }

  return {
    async lookup(name) {
      const entry = entries.get(name) ?? watchName(name)
      if (!entry.instances) await entry.first
      const cached = listed(entry)
      if (cached) return cached
      const why = entry.failure ? String((entry.failure as Error).message ?? entry.failure) : ''
      throw new DomainError(
        'UNAVAILABLE',
        `cannot look ${name} up: the Consul agent at ${agent} did not answer${why ? ` (${why})` : ` within ${firstAnswerTimeoutMs} ms`}`,
      )
    },
    close() {
      for (const entry of entries.values()) entry.watch.end()
      entries.clear()
    },
  }
}
