/**
 * What the function catalog says about running each domain on its own: which servers it needs
 * (PORT for HTTP functions, GRPC_PORT for gRPC methods), which domains it calls (its declared
 * gRPC clients) and forwards to (its HTTP forwards), the order to start them in, and the entry
 * point that serves the public surface. Nothing here names a domain: it is all read from the
 * catalog (runtime/catalog.ts), so a domain added or moved shows up everywhere at once.
 */
import { listDomainNames, loadDomains, loadFunctions } from '../../runtime/catalog.ts'
import type { LoadedFunction } from '../../runtime/model/define.ts'
import type { AnyDomain } from '../../runtime/model/domain.ts'

export interface DomainRole {
  name: string
  /** Hosts an HTTP function: listens on PORT. */
  http: boolean
  /** Hosts a gRPC method: listens on GRPC_PORT. */
  grpc: boolean
  /** Other domains whose gRPC services it calls (its declared clients). */
  calls: string[]
  /** Other domains whose HTTP functions its forward routes pass requests on to. */
  forwardsTo: string[]
  /** Its functions that forward routes target (`<domain>.<fn>`). */
  forwardTargets: string[]
}

export interface Topology {
  /** Every domain, in catalog order. */
  domains: string[]
  roles: ReadonlyMap<string, DomainRole>
  /** Servers before their callers, forward targets before the forwarding domain. */
  startOrder: string[]
  /** The domain with the forward routes: its URL serves the whole public API. */
  entry: string
  role(domain: string): DomainRole
}

/** The domain of a function name `<domain>.<fn>`. */
export const domainOfFunction = (name: string): string => name.split('.')[0] ?? name

export function topologyOf(
  names: readonly string[],
  domains: readonly AnyDomain[],
  functions: readonly LoadedFunction[],
): Topology {
  const byName = new Map(domains.map((d) => [d.name, d]))
  const targets = new Set(
    functions.flatMap((f) => (f.def.kind === 'http' ? Object.values(f.def.forwards ?? {}) : [])),
  )
  for (const target of targets)
    if (!functions.some((f) => f.name === target && f.def.kind === 'http'))
      throw new Error(`a forward targets ${target}, which is no HTTP function of the catalog`)

  const roles = new Map<string, DomainRole>()
  for (const name of names) {
    const own = functions.filter((f) => f.domain === name)
    const declared = byName.get(name)
    if (!declared) throw new Error(`domain ${name} has no declaration in the catalog`)
    const forwards = own.flatMap((f) =>
      f.def.kind === 'http' ? Object.values(f.def.forwards ?? {}) : [],
    )
    roles.set(name, {
      name,
      http: own.some((f) => f.def.kind === 'http'),
      grpc: own.some((f) => f.def.kind === 'grpc'),
      calls: unique(
        Object.values(declared.spec.clients ?? {})
          .map((service) => service.domain)
          .filter((d) => d !== name),
      ),
      forwardsTo: unique(forwards.map(domainOfFunction).filter((d) => d !== name)),
      forwardTargets: own.filter((f) => targets.has(f.name)).map((f) => f.name),
    })
  }
  for (const role of roles.values())
    for (const other of [...role.calls, ...role.forwardsTo])
      if (!roles.has(other)) throw new Error(`${role.name} depends on ${other}, not in the catalog`)

  const entries = functions.filter((f) => f.def.kind === 'http' && f.def.forwards)
  const entryDomains = unique(entries.map((f) => f.domain))
  if (entryDomains.length !== 1)
    throw new Error(
      `expected one domain with forward routes (the entry point), found ${entryDomains.length}: ${entryDomains.join(', ')}`,
    )
  const entry = entryDomains[0] as string

  const role = (domain: string) => {
    const found = roles.get(domain)
    if (!found) throw new Error(`no domain ${domain} in the catalog`)
    return found
  }
  return { domains: [...names], roles, startOrder: startOrder(names, role), entry, role }
}

/**
 * Each domain after the ones it depends on (the services it calls, the targets of its
 * forwards). Domains that depend on each other (a cycle: each calls the other's service) start
 * together, one after the other in catalog order; gRPC clients connect on their first call, so
 * neither needs the other up to start.
 */
function startOrder(names: readonly string[], role: (d: string) => DomainRole): string[] {
  const deps = (d: string) => [...role(d).calls, ...role(d).forwardsTo]
  const reach = new Map<string, Set<string>>()
  for (const name of names) {
    const seen = new Set<string>()
    const todo = [...deps(name)]
    while (todo.length > 0) {
      const next = todo.pop() as string
      if (seen.has(next)) continue
      seen.add(next)
      todo.push(...deps(next))
    }
    reach.set(name, seen)
  }
  const reaches = (from: string, to: string) => reach.get(from)?.has(to) ?? false
  /** The domains in a cycle with `name`, and `name` itself, in catalog order. */
  const cycleOf = (name: string) =>
    names.filter((other) => other === name || (reaches(name, other) && reaches(other, name)))

  const order: string[] = []
  const started = new Set<string>()
  while (order.length < names.length) {
    // The first domain (in catalog order) whose cycle depends on nothing not yet started.
    const ready = names.find((name) => {
      if (started.has(name)) return false
      const together = cycleOf(name)
      return together.every((m) => deps(m).every((d) => started.has(d) || together.includes(d)))
    })
    if (!ready) throw new Error(`no start order for ${names.filter((n) => !started.has(n))}`)
    for (const member of cycleOf(ready)) {
      if (started.has(member)) continue
      started.add(member)
      order.push(member)
    }
  }
  return order
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)]

/** The topology of the function catalog (functions/). */
export async function loadTopology(): Promise<Topology> {
  const [names, domains, functions] = await Promise.all([
    listDomainNames(),
    loadDomains(),
    loadFunctions(),
  ])
  return topologyOf(names, domains, functions)
}
