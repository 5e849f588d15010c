/**
 * prom-client, taken module by module: its index also loads the default process metrics, the
 * Pushgateway client, summaries and the cluster aggregator — about 10 ms at every process's
 * start, for what only a scrape needs. The registry (which formats the exposition text) is
 * loaded at start; the default process metrics (CPU, memory, event loop lag, GC, handles) once,
 * on the first scrape of any runtime in the process, into a registry of the process's own
 * (they describe the process, not a runtime).
 */
import type { Registry as RegistryType } from 'prom-client'
import Registry from 'prom-client/lib/registry.js'

export { Registry }

let processMetrics: Promise<RegistryType> | undefined

/** The registry of the process's default metrics (collected from the first call on). */
export function processRegistry(): Promise<RegistryType> {
  processMetrics ??= import('prom-client/lib/defaultMetrics.js').then((loaded) => {
    // Bundled by esbuild, a CommonJS module is its `default`.
    const collectDefaultMetrics = loaded.default
    const register = new Registry()
    collectDefaultMetrics({ register })
    return register
  })
  return processMetrics
}
