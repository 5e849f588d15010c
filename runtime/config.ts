/**
 * Configuration, read once at the edge from the environment and validated. A bad value
 * stops the process with a message naming the variable. Every variable is optional.
 */
import { randomBytes } from 'node:crypto'
import * as z from 'zod'

/** A whole number written in plain decimal digits, within [min, max]. */
const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number written in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
const port = int(0, 65535)
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol)
      } catch {
        return false
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  )
const positiveMs = int(0, 3_600_000)
const msList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds, e.g. 1000,5000,30000')
  .transform((value) => value.split(',').map(Number))

const schema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  ADVERTISE_HOST: z
    .string()
    .regex(
      /^(?!0\.0\.0\.0$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/,
      'must be a host name or IP address other processes can dial (not 0.0.0.0), without a port',
    )
    .optional(),
  GRPC_PORT: port.default(0),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  AMQP_URL: url(['amqp:', 'amqps:']).optional(),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:']).optional(),
  CONSUL_HTTP_ADDR: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_TRACES_SAMPLER: z
    .enum([
      'always_on',
      'always_off',
      'traceidratio',
      'parentbased_always_on',
      'parentbased_always_off',
      'parentbased_traceidratio',
    ])
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a ratio between 0 and 1, e.g. 0.1')
    .transform(Number)
    .optional(),
  /** The default 2,048 spans overflow (spans are dropped) at a few hundred orders a second. */
  OTEL_BSP_MAX_QUEUE_SIZE: int(1, 10_000_000).default(65_536),
  /** The default is 5 s. */
  OTEL_BSP_SCHEDULE_DELAY: positiveMs.default(500),
  /** OpenTelemetry's switch: `true` (any case) turns tracing off; anything else leaves it on. */
  OTEL_SDK_DISABLED: z
    .string()
    .optional()
    .transform((v) => v?.trim().toLowerCase() === 'true'),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, 'must look like sk_test_... or sk_live_...')
    .optional(),
  STRIPE_API_BASE: url(['http:', 'https:']).optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_\w+$/, 'must look like whsec_...')
    .optional(),
  KITCHEN_COOK_MS: positiveMs.default(3000),
  KITCHEN_CONCURRENCY: int(1, 256).default(4),
  ADMIN_TOKEN: z.string().min(12, 'must be at least 12 characters').optional(),
  RETRY_DELAYS_MS: msList.default([1000, 5000, 30000]),
  PREFETCH: int(1, 10_000).default(32),
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be lower-case letters, digits, - or _ (at most 32)')
    .default('oms'),
  PUBLISH_TIMEOUT_MS: int(100, 600_000).default(15_000),
  OMS_ADDRESSES: z
    .string()
    .regex(
      /^\s*[a-z][\w.-]*=[\w.-]+:\d{1,5}\s*(,\s*[a-z][\w.-]*=[\w.-]+:\d{1,5}\s*)*$/,
      'must be a comma-separated list of name=host:port, e.g. orders=127.0.0.1:50051,stock=127.0.0.1:50052',
    )
    .transform((value) =>
      Object.fromEntries(
        value.split(',').map((pair) => {
          const [name = '', address = ''] = pair.trim().split('=')
          const [host = '', port = '0'] = address.split(':')
          return [name, { host, port: Number(port) }]
        }),
      ),
    )
    .optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
})

/** A standard OTEL_TRACES_SAMPLER value. */
export type TracesSampler = z.infer<typeof schema>['OTEL_TRACES_SAMPLER']

export interface AppConfig {
  port: number
  host: string
  /** The address other processes dial to reach this one (registered in the registry). */
  advertiseHost: string
  grpcPort: number
  /** Base of links the system hands out (payment links, redirects). */
  publicUrl: string
  amqpUrl?: string
  mongodbUri?: string
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
  stripe: {
    secretKey?: string
    apiBase?: string
    webhookSecret: string
    webhookSecretGenerated: boolean
  }
  kitchen: { cookMs: number; concurrency: number }
  adminToken?: string
  retryDelaysMs: readonly number[]
  prefetch: number
  /** Prefix of every exchange and queue name on the broker. */
  amqpNamespace: string
  /** How long a publish waits for the broker (e.g. during a reconnect) before failing. */
  publishTimeoutMs: number
  /** Static address map (no Consul): domain or function name → where it listens. */
  addresses: Readonly<Record<string, { host: string; port: number }>>
  logLevel: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = schema.safeParse(present)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  const c = parsed.data
  if (c.STRIPE_SECRET_KEY && !c.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'invalid configuration:\n  STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set (Stripe signs webhooks with it)',
    )
  }
  const webhookSecret = c.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('hex')}`
  return {
    port: c.PORT,
    host: c.HOST,
    advertiseHost: c.ADVERTISE_HOST ?? (c.HOST === '0.0.0.0' ? '127.0.0.1' : c.HOST),
    grpcPort: c.GRPC_PORT,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    amqpUrl: c.AMQP_URL,
    mongodbUri: c.MONGODB_URI,
    consulAddr: c.CONSUL_HTTP_ADDR,
    otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    otlpProtocol: c.OTEL_EXPORTER_OTLP_PROTOCOL,
    tracingDisabled: c.OTEL_SDK_DISABLED,
    sampler: { name: c.OTEL_TRACES_SAMPLER, ratio: c.OTEL_TRACES_SAMPLER_ARG ?? 1 },
    spanBatch: {
      maxQueueSize: c.OTEL_BSP_MAX_QUEUE_SIZE,
      scheduledDelayMs: c.OTEL_BSP_SCHEDULE_DELAY,
    },
    stripe: {
      secretKey: c.STRIPE_SECRET_KEY,
      apiBase: c.STRIPE_API_BASE,
      webhookSecret,
      webhookSecretGenerated: !c.STRIPE_WEBHOOK_SECRET,
    },
    kitchen: { cookMs: c.KITCHEN_COOK_MS, concurrency: c.KITCHEN_CONCURRENCY },
    adminToken: c.ADMIN_TOKEN,
    retryDelaysMs: c.RETRY_DELAYS_MS,
    prefetch: c.PREFETCH,
    amqpNamespace: c.AMQP_NAMESPACE,
    publishTimeoutMs: c.PUBLISH_TIMEOUT_MS,
    addresses: c.OMS_ADDRESSES ?? {},
    logLevel: c.LOG_LEVEL,
  }
}
