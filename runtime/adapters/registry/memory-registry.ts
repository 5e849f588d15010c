/** The in-process registry: a map of function name to the instances that host it. */
import type { Instance, Registry } from '../../ports/registry.ts'

export function memoryRegistry(): Registry {
  const instances = new Map<string, Instance>()
  return {
    kind: 'embedded',
    async register(instance) {
      instances.set(instance.id, { ...instance })
    },
    async deregister(id) {
      instances.delete(id)
    },
    async resolve(name) {
      return [...instances.values()].filter((i) => i.name === name)
    },
    async close() {
      instances.clear()
    },
  }
}
