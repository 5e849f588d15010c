/**
 * The RabbitMQ the integration tests use: AMQP_URL when set, else the local broker on
 * 127.0.0.1:5672. When it does not answer, tests skip with a printed reason — except under
 * CI (CI=true), where a missing broker is a failure. Each test works in its own namespace
 * (AMQP_NAMESPACE) and deletes it afterwards; the tests that stop the broker run only when
 * asked (brokerFaultsAllowed).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect as tcp } from 'node:net'
import { promisify } from 'node:util'
import { connect } from 'amqplib'

export const RABBIT_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672'

function answers(url: string, timeoutMs = 1500): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = tcp({ host: hostname, port: Number(port || 5672), timeout: timeoutMs })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

/** True when the broker answers; false (with a printed reason) when tests should skip; throws under CI. */
export async function rabbitAvailable(): Promise<boolean> {
  if (await answers(RABBIT_URL)) return true
  const reason = `RabbitMQ does not answer at ${RABBIT_URL.replace(/:[^:@/]+@/, ':***@')}`
  if (process.env.CI)
    throw new Error(`${reason}; CI must run the RabbitMQ tests (.ci/run starts it)`)
  console.warn(`skipping RabbitMQ tests: ${reason} (start it with: rabbitmq-server -detached)`)
  return false
}

/**
 * Tests that stop and start the broker (rabbitmqctl stop_app) would disturb whatever else uses
 * it on a developer's machine: they run under CI, or when asked with OMS_FAULT_TESTS=1.
 */
export function brokerFaultsAllowed(): boolean {
  if (process.env.CI || process.env.OMS_FAULT_TESTS === '1') return true
  console.warn(
    'skipping the broker fault tests: they stop and start the local RabbitMQ; run them with OMS_FAULT_TESTS=1 (CI always does)',
  )
  return false
}

export function testNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`
}

/** Variables that put a test system on RabbitMQ, in its own namespace. */
export function rabbitEnv(namespace: string): Record<string, string> {
  return { AMQP_URL: RABBIT_URL, AMQP_NAMESPACE: namespace }
}

const run = promisify(execFile)

/** Runs rabbitmqctl (local broker only). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', args, { timeout: 60_000 })
  return stdout
}

/** Deletes every queue and exchange of a namespace (needs rabbitmqctl to list them). */
export function deleteNamespace(namespace: string): Promise<void> {
  return deleteNamespaces([namespace])
}

/**
 * Deletes every queue and exchange of these namespaces, listed once for all: each rabbitmqctl
 * run starts an Erlang VM (a second or more on a busy machine), so a suite's dozen namespaces
 * deleted one by one outlast a hook's timeout.
 */
export async function deleteNamespaces(namespaces: readonly string[]): Promise<void> {
  if (namespaces.length === 0) return
  const prefixes = namespaces.map((ns) => `${ns}.`)
  let queues: string[]
  let exchanges: string[]
  try {
    const list = async (what: string) =>
      (await rabbitmqctl(what, '-q', '--no-table-headers', 'name'))
        .split('\n')
        .map((l) => l.trim())
        .filter((name) => prefixes.some((prefix) => name.startsWith(prefix)))
    queues = await list('list_queues')
    exchanges = await list('list_exchanges')
  } catch {
    return // no rabbitmqctl here: leave the namespaces behind
  }
  if (queues.length === 0 && exchanges.length === 0) return
  const conn = await connect(RABBIT_URL)
  try {
    const ch = await conn.createChannel()
    for (const q of queues) await ch.deleteQueue(q)
    for (const e of exchanges) await ch.deleteExchange(e)
    await ch.close()
  } finally {
    await conn.close()
  }
}
