/**
 * The runtime's own settings (where to listen, which real services to use, tracing, message
 * retries, logging) and the configuration the runtime derives from them. Domains declare
 * theirs next to their code; `load-configuration.ts` reads both at start.
 */
import * as z from 'zod'
import { flag, int, ms, msList, port, url } from './schemas.ts'
import { type SettingsOf, setting } from './setting.ts'

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const

/** A standard OTEL_TRACES_SAMPLER value. */
export type TracesSampler = (typeof SAMPLERS)[number]

const addresses = z
  .string()
  .regex(
    /^\s*[a-z][\w.-]*=[\w.-]+:\d{1,5}\s*(,\s*[a-z][\w.-]*=[\w.-]+:\d{1,5}\s*)*$/,
    'must be a comma-separated list of name=host:port, e.g. <domain>=127.0.0.1:50051,<domain>.<function>=127.0.0.1:8081',
  )
  .transform(
    (value): Record<string, { host: string; port: number }> =>
      Object.fromEntries(
        value.split(',').map((pair) => {
          const [name = '', address = ''] = pair.trim().split('=')
          const [host = '', p = '0'] = address.split(':')
          return [name, { host, port: Number(p) }]
        }),
      ),
  )

/** ADMIN_TOKEN: read by the runtime's operator routes and by any domain with admin routes. */
export const ADMIN_TOKEN = setting(
  'ADMIN_TOKEN',
  z.string().min(12, 'must be at least 12 characters'),
  {
    secret: true,
    set: 'enables admin routes and lets other hosts reach the operator routes (12+ characters)',
    unset: 'admin routes off',
  },
)

/** PUBLIC_URL: the base of links the system hands out; its default depends on PORT. */
export const PUBLIC_URL = setting('PUBLIC_URL', url(['http:', 'https:']), {
  set: 'base of links handed out (payment links, redirects)',
  unset: '`http://localhost:$PORT`',
})

export const RUNTIME_SETTINGS = {
  port: setting('PORT', port, { default: 8080, set: 'HTTP port' }),
  host: setting('HOST', z.string().min(1), {
    default: '0.0.0.0',
    set: 'interface to bind',
    unset: '`0.0.0.0`',
  }),
  advertiseHost: setting(
    'ADVERTISE_HOST',
    z
      .string()
      .regex(
        /^(?!0\.0\.0\.0$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/,
        'must be a host name or IP address other processes can dial (not 0.0.0.0), without a port',
      ),
    {
      set: 'the address other processes dial to reach this one (what is registered in Consul)',
      unset: '`HOST`, or `127.0.0.1` when `HOST` is `0.0.0.0`',
    },
  ),
  grpcPort: setting('GRPC_PORT', port, {
    default: 0,
    set: 'gRPC port of the process',
    unset: 'a free port',
  }),
  publicUrl: PUBLIC_URL,
  amqpUrl: setting('AMQP_URL', url(['amqp:', 'amqps:']), {
    set: 'RabbitMQ (see [RabbitMQ](#rabbitmq))',
    unset: 'in-process bus with the same retry and dead-letter semantics',
  }),
  amqpNamespace: setting(
    'AMQP_NAMESPACE',
    z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be lower-case letters, digits, - or _ (at most 32)'),
    { default: 'oms', set: 'prefix of every exchange and queue on the broker', unset: '`oms`' },
  ),
  publishTimeoutMs: setting('PUBLISH_TIMEOUT_MS', int(100, 600_000), {
    default: 15_000,
    set: 'how long a publish waits for the broker (e.g. during a reconnect) before failing',
  }),
  mongodbUri: setting('MONGODB_URI', url(['mongodb:', 'mongodb+srv:']), {
    secret: true,
    set: "MongoDB for every domain's data; the path names the database, default `oms` (see [MongoDB](#mongodb))",
    unset: 'embedded in-memory store (see `OMS_STORE_FILE`)',
  }),
  storeFile: setting('OMS_STORE_FILE', z.string().min(1), {
    set: 'without MongoDB: keep the embedded store in this JSON file, so a restart keeps the data (`oms dev` sets it for its reloads)',
    unset: 'the embedded store lives in memory only',
  }),
  busFile: setting('OMS_BUS_FILE', z.string().min(1), {
    set: 'without RabbitMQ: keep the embedded bus (queued, retrying and parked messages) in this JSON file, so a restart loses none (`oms dev` sets it)',
    unset: 'the embedded bus lives in memory only',
  }),
  consulAddr: setting('CONSUL_HTTP_ADDR', z.string().min(1), {
    set: 'Consul agent, `host:port` or `http(s)://host:port`: every hosted function registered with a health check, discovery of healthy instances (see [Consul](#consul))',
    unset: 'in-process registry (with `OMS_ADDRESSES`)',
  }),
  addresses: setting('OMS_ADDRESSES', addresses, {
    default: {},
    set: "without Consul: a static map `name=host:port,...` keyed by domain or function (a function's own entry wins), e.g. `<domain>=127.0.0.1:50051,<domain>.<function>=127.0.0.1:8081`",
    unset: 'only functions hosted in this process are found',
  }),
  otlpEndpoint: setting('OTEL_EXPORTER_OTLP_ENDPOINT', url(['http:', 'https:']), {
    set: 'OTLP/HTTP export of traces, e.g. `http://localhost:4318` (Jaeger); the other standard `OTEL_EXPORTER_OTLP_*` variables are honoured (see [Tracing](#tracing))',
    unset: 'no export (trace ids still flow and are logged)',
  }),
  otlpProtocol: setting('OTEL_EXPORTER_OTLP_PROTOCOL', z.enum(['http/protobuf', 'http/json']), {
    default: 'http/protobuf',
    set: '`http/protobuf` or `http/json`',
    unset: '`http/protobuf`',
  }),
  sampler: setting('OTEL_TRACES_SAMPLER', z.enum(SAMPLERS), {
    default: 'parentbased_always_on',
    set: `which traces are recorded when exporting: ${SAMPLERS.map((s) => `\`${s}\``).join(', ')}`,
    unset: '`parentbased_always_on`',
  }),
  samplerRatio: setting(
    'OTEL_TRACES_SAMPLER_ARG',
    z
      .string()
      .trim()
      .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a ratio between 0 and 1, e.g. 0.1')
      .transform(Number),
    { default: 1, set: 'the share of traces the ratio samplers keep, between 0 and 1' },
  ),
  /** The default 2,048 spans overflow (spans are dropped) at a few hundred requests a second. */
  spanQueueSize: setting('OTEL_BSP_MAX_QUEUE_SIZE', int(1, 10_000_000), {
    default: 65_536,
    set: 'spans buffered before export',
  }),
  /** OpenTelemetry's default is 5 s. */
  spanDelayMs: setting('OTEL_BSP_SCHEDULE_DELAY', ms, {
    default: 500,
    set: 'ms between span batches',
  }),
  tracingDisabled: setting('OTEL_SDK_DISABLED', flag, {
    default: false,
    set: "`true` turns tracing off: no spans, no trace context kept or passed on, no trace ids in logs (saves span and context work on every hop; each call's deadline and signal are still carried, which on Node 20 keeps async hooks on)",
    unset: 'tracing on',
  }),
  adminToken: ADMIN_TOKEN,
  internalToken: setting(
    'OMS_INTERNAL_TOKEN',
    z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
    {
      secret: true,
      set: 'authenticates every call between processes (gRPC, forwarded HTTP): the same value in every process; a call without it is refused with `UNAUTHENTICATED`',
      unset:
        'internal calls carry no credential: a process other processes can reach (Consul, `OMS_ADDRESSES`) refuses to start, unless `OMS_INSECURE_INTERNAL=true`',
    },
  ),
  opsLoopback: setting('OMS_OPS_LOOPBACK', flag, {
    default: false,
    set: '`true`: the operator routes (`/_oms/*`, for `oms dlq`) answer callers on this host without `ADMIN_TOKEN` — what `oms dev` sets, and says',
    unset:
      'the operator routes need `ADMIN_TOKEN` from every caller (behind a local proxy every caller is on this host)',
  }),
  dashboard: setting('OMS_DASHBOARD', flag, {
    default: false,
    set: "`true`: the local dashboard at `/_oms/` (functions, queues, parked messages, recent requests, journeys), behind the operator routes' protection; the recent spans are recorded and kept in memory for it — what `oms dev` sets (see [Dashboard](#dashboard))",
    unset: 'no dashboard; spans are recorded only when exporting',
  }),
  tlsCa: setting('OMS_TLS_CA', z.string().min(1), {
    set: 'mutual TLS between the processes: the CA certificate (PEM file) every gRPC peer must be signed by; with `OMS_TLS_CERT` and `OMS_TLS_KEY` (`oms certs` makes development ones)',
    unset: 'gRPC in plaintext',
  }),
  tlsCert: setting('OMS_TLS_CERT', z.string().min(1), {
    set: "this process's certificate (PEM file); its subject CN names its domain — the identity callers are checked by",
    unset: 'none',
  }),
  tlsKey: setting('OMS_TLS_KEY', z.string().min(1), {
    secret: true,
    set: "this process's private key (PEM file)",
    unset: 'none',
  }),
  insecureInternal: setting('OMS_INSECURE_INTERNAL', flag, {
    default: false,
    set: '`true`: run a process other processes can reach without `OMS_INTERNAL_TOKEN` — its gRPC open to anyone on the network (said at start)',
    unset: 'refused',
  }),
  retryDelaysMs: setting('RETRY_DELAYS_MS', msList, {
    default: [1000, 5000, 30000],
    set: 'delays before each retry of a failed message',
    unset: '`1000,5000,30000`',
  }),
  prefetch: setting('PREFETCH', int(1, 10_000), {
    default: 32,
    set: 'deliveries a consumer handles at once',
  }),
  transientWaitMs: setting('TRANSIENT_WAIT_MS', int(0, 86_400_000), {
    default: 600_000,
    set: 'how long a message waits, in all, while what its consumer needs is unavailable (`UNAVAILABLE`, store down, `RetryLater`): it waits through the `RETRY_DELAYS_MS` delays, the last repeating, without counting tries; then such failures count',
    unset: '`600000` (10 minutes)',
  }),
  outboxPollMs: setting('OUTBOX_POLL_MS', int(10, 3_600_000), {
    default: 1000,
    set: 'how often the outbox relay looks for events stored by a process that stopped before publishing them',
  }),
  requestTimeoutMs: setting('REQUEST_TIMEOUT_MS', int(100, 600_000), {
    default: 10_000,
    set: 'how long an HTTP request from outside has for its answer (its deadline; a forward from another process brings what is left of its own): past it the answer is 504 `DEADLINE_EXCEEDED` and its work is given up; every gRPC call and forward made for it carries the time left',
  }),
  maxInFlight: setting('MAX_IN_FLIGHT', int(1, 1_000_000), {
    default: 1024,
    set: 'HTTP requests, and gRPC calls, a process answers at once; one more is refused at once with 503 `UNAVAILABLE` and `Retry-After: 1` (a gRPC caller tries another instance) instead of queueing (see [Architecture](#architecture))',
  }),
  shutdownGraceMs: setting('SHUTDOWN_GRACE_MS', int(0, 600_000), {
    default: 10_000,
    set: 'on SIGTERM, how long the work in flight may finish once intake has stopped; what still runs then is given up (its `ctx.signal` aborts), and the store and bus are closed after it',
  }),
  logLevel: setting(
    'LOG_LEVEL',
    z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    { default: 'info', set: '`trace` … `fatal`, `silent`', unset: '`info`' },
  ),
  logFormat: setting('LOG_FORMAT', z.enum(['pretty', 'json']), {
    set: '`pretty`: readable, coloured lines (time, level, function, message, ids, short trace id); `json`: one JSON object a line (see [Logs and metrics](#logs-and-metrics))',
    unset: 'pretty when the output is a terminal, JSON lines otherwise',
  }),
  metricsPort: setting('METRICS_PORT', port, {
    set: 'a listener of its own on `HOST:METRICS_PORT` serving `/metrics` (Prometheus) and `/healthz` to anyone who reaches it: for scraping on the private network (see [Logs and metrics](#logs-and-metrics))',
    unset:
      '`/metrics` on the HTTP port for `ADMIN_TOKEN` (or this host under `oms dev`); a process without HTTP functions serves it on a free loopback port, shown at start',
  }),
} as const

type Values = SettingsOf<typeof RUNTIME_SETTINGS>

/** What the runtime runs with. */
export interface RuntimeConfig {
  port: number
  host: string
  /** The address other processes dial to reach this one (registered in the registry). */
  advertiseHost: string
  grpcPort: number
  /** Base of links the system hands out (payment links, redirects). */
  publicUrl: string
  amqpUrl?: string
  mongodbUri?: string
  /** Without MongoDB: the file the embedded store is kept in. */
  storeFile?: string
  /** Without RabbitMQ: the file the embedded bus is kept in. */
  busFile?: string
  consulAddr?: string
  otlpEndpoint?: string
  /** OTLP over HTTP with protobuf (default) or JSON bodies. */
  otlpProtocol: 'http/protobuf' | 'http/json'
  /** OTEL_SDK_DISABLED=true: no spans, no trace context (no trace ids in logs), nothing exported. */
  tracingDisabled: boolean
  /** OTEL_TRACES_SAMPLER and its ratio (OTEL_TRACES_SAMPLER_ARG, default 1) when exporting. */
  sampler: { name: TracesSampler; ratio: number }
  /** The span batch processor: queue size and delay between batches. */
  spanBatch: { maxQueueSize: number; scheduledDelayMs: number }
  adminToken?: string
  /** OMS_INTERNAL_TOKEN: the credential of calls between processes. */
  internalToken?: string
  /** OMS_OPS_LOOPBACK=true (`oms dev`): operator routes open to loopback callers. */
  opsLoopback: boolean
  /** OMS_DASHBOARD=true (`oms dev`): the dashboard at /_oms/, and recent spans kept for it. */
  dashboard: boolean
  /** OMS_TLS_*: mutual TLS for gRPC (the files' paths), all three or none. */
  tls?: { ca: string; cert: string; key: string }
  /** OMS_INSECURE_INTERNAL=true: the user accepts unauthenticated internal calls. */
  insecureInternal: boolean
  /**
   * Where gRPC listens: HOST when other processes can find this one (Consul, OMS_ADDRESSES),
   * else loopback — a single process needs no gRPC from outside.
   */
  grpcHost: string
  /** Whether other processes can find this one (a registry beyond the process). */
  reachable: boolean
  retryDelaysMs: readonly number[]
  prefetch: number
  /** How often the outbox relay looks for events a stopped process left unpublished. */
  outboxPollMs: number
  /** How long a message waits, in all, after transient failures before they count as tries. */
  transientWaitMs: number
  /** Prefix of every exchange and queue name on the broker. */
  amqpNamespace: string
  /** How long a publish waits for the broker (e.g. during a reconnect) before failing. */
  publishTimeoutMs: number
  /** The deadline an HTTP request from outside gets (ms from its arrival). */
  requestTimeoutMs: number
  /** HTTP requests, and gRPC calls, answered at once before more are refused (503). */
  maxInFlight: number
  /** How long a stopping process lets its work in flight finish before giving it up. */
  shutdownGraceMs: number
  /** Static address map (no Consul): domain or function name → where it listens. */
  addresses: Readonly<Record<string, { host: string; port: number }>>
  logLevel: string
  /** LOG_FORMAT: pretty or JSON lines; unset, pretty on a terminal. */
  logFormat?: 'pretty' | 'json'
  /** METRICS_PORT: a listener of its own for /metrics and /healthz. */
  metricsPort?: number
}

/** Other processes find this one through Consul or the static address map. */
const reachable = (v: Values) => Boolean(v.consulAddr) || Object.keys(v.addresses ?? {}).length > 0

export function runtimeConfigOf(v: Values): RuntimeConfig {
  return {
    port: v.port,
    host: v.host,
    advertiseHost: v.advertiseHost ?? (v.host === '0.0.0.0' ? '127.0.0.1' : v.host),
    grpcPort: v.grpcPort,
    publicUrl: (v.publicUrl ?? `http://localhost:${v.port}`).replace(/\/$/, ''),
    amqpUrl: v.amqpUrl,
    mongodbUri: v.mongodbUri,
    storeFile: v.storeFile,
    busFile: v.busFile,
    consulAddr: v.consulAddr,
    otlpEndpoint: v.otlpEndpoint,
    otlpProtocol: v.otlpProtocol,
    tracingDisabled: v.tracingDisabled,
    sampler: { name: v.sampler, ratio: v.samplerRatio },
    spanBatch: { maxQueueSize: v.spanQueueSize, scheduledDelayMs: v.spanDelayMs },
    adminToken: v.adminToken,
    internalToken: v.internalToken,
    insecureInternal: v.insecureInternal,
    ...(v.tlsCa &&
      v.tlsCert &&
      v.tlsKey && { tls: { ca: v.tlsCa, cert: v.tlsCert, key: v.tlsKey } }),
    opsLoopback: v.opsLoopback,
    dashboard: v.dashboard,
    grpcHost: reachable(v) ? v.host : '127.0.0.1',
    reachable: reachable(v),
    retryDelaysMs: v.retryDelaysMs,
    prefetch: v.prefetch,
    outboxPollMs: v.outboxPollMs,
    transientWaitMs: v.transientWaitMs,
    amqpNamespace: v.amqpNamespace,
    publishTimeoutMs: v.publishTimeoutMs,
    requestTimeoutMs: v.requestTimeoutMs,
    maxInFlight: v.maxInFlight,
    shutdownGraceMs: v.shutdownGraceMs,
    addresses: v.addresses,
    logLevel: v.logLevel,
    logFormat: v.logFormat,
    metricsPort: v.metricsPort,
  }
}
