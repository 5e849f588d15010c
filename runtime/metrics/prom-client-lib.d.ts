/**
 * Types of prom-client's own modules, imported one by one (see prom.ts): each is what the
 * package's index exports under the same name.
 */
declare module 'prom-client/lib/registry.js' {
  const Registry: typeof import('prom-client').Registry
  export default Registry
}
declare module 'prom-client/lib/counter.js' {
  const Counter: typeof import('prom-client').Counter
  export default Counter
}
declare module 'prom-client/lib/gauge.js' {
  const Gauge: typeof import('prom-client').Gauge
  export default Gauge
}
declare module 'prom-client/lib/histogram.js' {
  const Histogram: typeof import('prom-client').Histogram
  export default Histogram
}
declare module 'prom-client/lib/defaultMetrics.js' {
  const collectDefaultMetrics: typeof import('prom-client').collectDefaultMetrics
  export default collectDefaultMetrics
}
