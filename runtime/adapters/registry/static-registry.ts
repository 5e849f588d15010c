/**
 * The registry without Consul: instances registered by this process, then a static address
 * map (OMS_ADDRESSES, e.g. `billing=127.0.0.1:50051,billing.webhook=127.0.0.1:8081`) keyed by function
 * name or, more commonly, by domain — each domain process listens on its documented port.
 */
import type { Instance, Registry } from '../../ports/registry.ts'
import { memoryRegistry } from './memory-registry.ts'

export function staticRegistry(
  addresses: Readonly<Record<string, { host: string; port: number }>>,
): Registry {
  const local = memoryRegistry()
  return {
    kind: Object.keys(addresses).length > 0 ? 'static' : 'embedded',
    register: (instance) => local.register(instance),
    deregister: (id) => local.deregister(id),
    async resolve(name) {
      const here = await local.resolve(name)
      if (here.length > 0) return here
      const domain = name.split('.')[0] ?? name
      const key = name in addresses ? name : domain
      const address = addresses[key]
      if (!address) return []
      const instance: Instance = {
        id: `static:${key}`,
        name,
        host: address.host,
        port: address.port,
        tags: [`domain:${domain}`],
      }
      return [instance]
    },
    close: () => local.close(),
  }
}
