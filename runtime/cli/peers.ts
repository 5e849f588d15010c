/**
 * The peers a process depends on: every method of the services its domains call (their
 * `clients`) that it does not host, resolved through the registry as a call would be. `oms
 * start` warns about each one it cannot reach, once, at start, with how to fix it; it keeps
 * starting (a peer may come up later).
 */
import type { AnyDomain } from '../model/domain.ts'
import { functionForMethod } from '../model/grpc-service.ts'
import type { Registry } from '../ports/registry.ts'

export interface Peer {
  /** The peer function, `<domain>.<function>`. */
  name: string
  /** Its domain (what `oms start` names to host it). */
  domain: string
  /** The hosted domains that call it. */
  calledBy: string[]
}

/** The functions the domains call that `hosted` does not contain, by name. */
export function peersOf(domains: readonly AnyDomain[], hosted: ReadonlySet<string>): Peer[] {
  const peers = new Map<string, Peer>()
  for (const domain of domains) {
    for (const service of Object.values(domain.spec.clients ?? {})) {
      for (const method of Object.keys(service.definition)) {
        const name = functionForMethod(service, method)
        if (hosted.has(name)) continue
        const peer = peers.get(name) ?? { name, domain: service.domain, calledBy: [] }
        if (!peer.calledBy.includes(domain.name)) peer.calledBy.push(domain.name)
        peers.set(name, peer)
      }
    }
  }
  return [...peers.values()].sort((a, b) => a.name.localeCompare(b.name))
}

/** How long the registry may take to answer for one peer (default 3 s). */
export const RESOLVE_TIMEOUT_MS = 3000

/** The peers no instance of which the registry names (or could not say, in time). */
export async function unreachablePeers(
  peers: readonly Peer[],
  registry: Pick<Registry, 'resolve'>,
  timeoutMs = RESOLVE_TIMEOUT_MS,
): Promise<Peer[]> {
  const found = await Promise.all(
    peers.map(async (peer) => {
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<[]>((resolve) => {
        timer = setTimeout(() => resolve([]), timeoutMs)
      })
      try {
        return (await Promise.race([registry.resolve(peer.name), late])).length > 0
      } catch {
        return false
      } finally {
        clearTimeout(timer)
      }
    }),
  )
  return peers.filter((_, i) => !found[i])
}

/** One warning line per peer, then one line on how to fix them (registry kind: embedded, static, consul). */
export function formatPeerWarnings(
  peers: readonly Peer[],
  { registry, hosted }: { registry: string; hosted: readonly string[] },
): string {
  if (peers.length === 0) return ''
  const where =
    registry === 'consul'
      ? 'no healthy instance in Consul'
      : registry === 'static'
        ? 'not in OMS_ADDRESSES'
        : 'not hosted here, no registry set'
  const lines = peers.map(
    (p) =>
      `oms: warning: ${p.name} (called by ${p.calledBy.join(', ')}) cannot be reached: ${where}`,
  )
  const domains = [...new Set(peers.map((p) => p.domain))]
  const [first] = domains
  const example = `${first}=127.0.0.1:<its GRPC_PORT>`
  const fix =
    registry === 'consul'
      ? `run ${domains.map((d) => `oms start ${d}`).join(' and ')} with the same CONSUL_HTTP_ADDR`
      : registry === 'static'
        ? `add ${domains.join(', ')} to OMS_ADDRESSES (e.g. ${example}), or set CONSUL_HTTP_ADDR`
        : `host ${domains.length === 1 ? 'it' : 'them'} here too (oms start ${[...hosted, ...domains].join(' ')}), or run ${domains.length === 1 ? 'it' : 'them'} elsewhere and set OMS_ADDRESSES (e.g. ${example}) or CONSUL_HTTP_ADDR`
  const one = peers.length === 1
  return `${lines.join('\n')}\noms: calls to ${one ? 'it' : 'them'} fail with UNAVAILABLE until ${one ? 'it is' : 'they are'} reachable: ${fix}\n`
}
