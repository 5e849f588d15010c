/**
 * Environments for bench processes: the parent's environment without any OMS variable, so a
 * stray AMQP_URL or MONGODB_URI in the shell never changes what a benchmark measures, plus
 * exactly the variables the benchmark sets.
 */

/** The broker the RabbitMQ benchmarks use. */
export const RABBIT_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

/** Admin token the bench systems run with, so stock can be raised through the admin API. */
export const ADMIN_TOKEN = 'bench-admin-token'

const OMS_VARIABLES =
  /^(PORT|HOST|ADVERTISE_HOST|GRPC_PORT|PUBLIC_URL|AMQP_URL|AMQP_NAMESPACE|PUBLISH_TIMEOUT_MS|MONGODB_URI|OMS_STORE_FILE|OMS_BUS_FILE|CONSUL_HTTP_ADDR|OMS_ADDRESSES|OTEL_.*|STRIPE_.*|KITCHEN_.*|ADMIN_TOKEN|OMS_INTERNAL_TOKEN|OMS_INSECURE_INTERNAL|RETRY_DELAYS_MS|PREFETCH|LOG_LEVEL)$/

/** The parent's environment without OMS variables, with `vars` on top. */
export function benchEnv(vars: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !OMS_VARIABLES.test(key)) env[key] = value
  return { ...env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...vars }
}
