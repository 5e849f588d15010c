/**
 * RabbitMQ's management HTTP API (the rabbitmq_management plugin, port 15672) on the broker
 * the tests use (AMQP_URL, else 127.0.0.1:5672, same credentials). KEDA's rabbitmq trigger in
 * `protocol: http` mode reads queue depths from it — unacknowledged messages included, which
 * its AMQP mode misses. `.ci/run` enables the plugin (online, without a restart). Without it,
 * tests skip with a printed reason — except under CI, where it is a failure.
 */
import { RABBIT_URL } from './rabbitmq.ts'

const amqp = new URL(RABBIT_URL)
const user = decodeURIComponent(amqp.username || 'guest')
const password = decodeURIComponent(amqp.password || 'guest')

/** The management API's base URL, without credentials. */
export const MANAGEMENT_URL = process.env.RABBITMQ_MANAGEMENT_URL ?? `http://${amqp.hostname}:15672`

/**
 * The management URL with the broker's credentials and a vhost as its last path segment —
 * the `host` KEDA's rabbitmq trigger takes in http mode.
 */
export function managementHostFor(vhost: string): string {
  const url = new URL(MANAGEMENT_URL)
  url.username = encodeURIComponent(user)
  url.password = encodeURIComponent(password)
  url.pathname = `/${encodeURIComponent(vhost)}`
  return url.toString()
}

/** The AMQP URL of a vhost on the same broker. */
export function amqpUrlFor(vhost: string): string {
  const url = new URL(RABBIT_URL)
  url.pathname = `/${encodeURIComponent(vhost)}`
  return url.toString()
}

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${MANAGEMENT_URL}/api${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
}

let warned = false

/** Why the management API cannot be used (undefined when it can); throws under CI. */
export async function rabbitManagementUnavailable(): Promise<string | undefined> {
  let reason: string | undefined
  try {
    const res = await api('GET', '/overview')
    if (!res.ok) reason = `${MANAGEMENT_URL}/api/overview answered ${res.status}`
  } catch (err) {
    reason = `${MANAGEMENT_URL} does not answer (${(err as Error).message})`
  }
  if (!reason) return undefined
  const fix = 'enable it with: rabbitmq-plugins enable rabbitmq_management (.ci/run does)'
  if (process.env.CI) throw new Error(`RabbitMQ management API tests cannot run: ${reason}; ${fix}`)
  if (!warned) console.warn(`skipping the RabbitMQ management API tests: ${reason}; ${fix}`)
  warned = true
  return reason
}

async function ok(res: Promise<Response>, what: string): Promise<Response> {
  const r = await res
  if (!r.ok) throw new Error(`${what}: ${r.status} ${await r.text()}`)
  return r
}

/** Creates a vhost the broker's user may use fully. */
export async function createVhost(vhost: string): Promise<void> {
  const v = encodeURIComponent(vhost)
  await ok(api('PUT', `/vhosts/${v}`, {}), `creating vhost ${vhost}`)
  await ok(
    api('PUT', `/permissions/${v}/${encodeURIComponent(user)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    }),
    `granting ${user} vhost ${vhost}`,
  )
}

/** Deletes a vhost with all its queues and exchanges (nothing when it is already gone). */
export async function deleteVhost(vhost: string): Promise<void> {
  const res = await api('DELETE', `/vhosts/${encodeURIComponent(vhost)}`)
  if (!res.ok && res.status !== 404)
    throw new Error(`deleting vhost ${vhost}: ${res.status} ${await res.text()}`)
}

/**
 * Closes, from the broker's side, every connection a client opened under this name (amqplib's
 * `clientProperties.connection_name`): what a broker restart or a network cut does to it.
 * Returns how many were closed.
 */
export async function closeConnectionsNamed(connectionName: string): Promise<number> {
  const res = await ok(api('GET', '/connections'), 'listing connections')
  const all = (await res.json()) as { name: string; client_properties?: Record<string, unknown> }[]
  const named = all.filter((c) => c.client_properties?.connection_name === connectionName)
  for (const c of named)
    await ok(api('DELETE', `/connections/${encodeURIComponent(c.name)}`), `closing ${c.name}`)
  return named.length
}
