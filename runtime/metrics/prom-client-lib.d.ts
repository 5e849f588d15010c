/**
 * Types of prom-client's own modules, imported one by one (see prom.ts): each is what the
 * package's index exports under the same name.
 */
declare module 'prom-client/lib/registry.js' {
  const Registry: typeof import('prom-client').Registry
  export default Registry
}
declare module 'prom-client/lib/defaultMetrics.js' {
  const collectDefaultMetrics: typeof import('prom-client').collectDefaultMetrics
  export default collectDefaultMetrics
}
