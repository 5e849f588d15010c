/**
 * What the process tests and benchmarks derive from the catalog (test/servers/topology.ts):
 * the servers each domain runs, the start order (servers before their callers, forward targets
 * before the forwarding domain, a cycle started together) and the entry point.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import * as proto from '../proto/gen/oms.ts'
import type { LoadedFunction } from '../runtime/model/define.ts'
import { type AnyDomain, domain } from '../runtime/model/domain.ts'
import { grpcService } from '../runtime/model/grpc-service.ts'
import { loadTopology, topologyOf } from './servers/topology.ts'

describe('the topology of the catalog', () => {
  it('starts each domain after those it calls or forwards to, unless they call each other', async () => {
    const topology = await loadTopology()
    expect(topology.domains.length).toBeGreaterThan(0)
    expect([...topology.startOrder].sort()).toEqual([...topology.domains].sort())
    const at = (d: string) => topology.startOrder.indexOf(d)
    for (const name of topology.domains) {
      const role = topology.role(name)
      for (const dep of [...role.calls, ...role.forwardsTo]) {
        const mutual = [...topology.role(dep).calls, ...topology.role(dep).forwardsTo].includes(
          name,
        )
        if (!mutual) expect(at(dep), `${dep} before ${name}`).toBeLessThan(at(name))
      }
    }
  })

  it('has one entry point, serving HTTP, that forwards to HTTP functions of other domains', async () => {
    const topology = await loadTopology()
    const entry = topology.role(topology.entry)
    expect(entry.http).toBe(true)
    expect(entry.forwardsTo.length).toBeGreaterThan(0)
    for (const target of entry.forwardsTo) {
      expect(topology.role(target).http).toBe(true)
      expect(topology.role(target).forwardTargets.length).toBeGreaterThan(0)
    }
  })
})

describe('topologyOf', () => {
  const served = (name: string) => grpcService(proto, 'MenuService', name)
  const fn = (d: AnyDomain, name: string, def: LoadedFunction['def']): LoadedFunction => ({
    name: `${d.name}.${name}`,
    domain: d.name,
    def,
  })
  const app = () => new Hono()

  it('orders servers before callers, a cycle together, and forward targets before the forwarder', () => {
    const alpha = domain('alpha', { serves: served('alpha'), clients: { beta: served('beta') } })
    const beta = domain('beta', { serves: served('beta'), clients: { alpha: served('alpha') } })
    const caller = domain('caller', { clients: { alpha: served('alpha') } })
    const front = domain('front', { clients: { beta: served('beta') } })
    const functions = [
      fn(front, 'forward', front.forward({ 'POST /hook': 'caller.hook' })),
      fn(front, 'api', front.http(app)),
      fn(caller, 'hook', caller.http(app)),
      fn(
        beta,
        'list-items',
        beta.grpcMethod('listItems', async () => ({ items: [] })),
      ),
      fn(
        alpha,
        'list-items',
        alpha.grpcMethod('listItems', async () => ({ items: [] })),
      ),
    ]
    const names = ['alpha', 'beta', 'caller', 'front']
    const topology = topologyOf(names, [alpha, beta, caller, front], functions)
    expect(topology.startOrder).toEqual(['alpha', 'beta', 'caller', 'front'])
    expect(topology.entry).toBe('front')
    expect(topology.role('caller')).toMatchObject({
      http: true,
      grpc: false,
      calls: ['alpha'],
      forwardTargets: ['caller.hook'],
    })
    expect(topology.role('front')).toMatchObject({ forwardsTo: ['caller'], calls: ['beta'] })
    expect(topology.role('alpha')).toMatchObject({ http: false, grpc: true })
  })

  it('refuses a catalog without an entry point, or with a forward to no HTTP function', () => {
    const only = domain('only')
    expect(() => topologyOf(['only'], [only], [fn(only, 'api', only.http(app))])).toThrow(
      /one domain with forward routes/,
    )
    expect(() =>
      topologyOf(['only'], [only], [fn(only, 'fwd', only.forward({ 'GET /x': 'nowhere.fn' }))]),
    ).toThrow(/no HTTP function/)
  })
})
