/**
 * Test fixtures: a whole system (or any subset of functions) on embedded adapters, started on
 * ephemeral ports, plus helpers to sign webhooks with Stripe's own library and to wait for
 * eventual outcomes. Every call builds fresh adapters, so tests never share data.
 */
import Stripe from 'stripe'
import { type Adapters, createAdapters } from '../runtime/adapters/create-adapters.ts'
import { loadFunctions } from '../runtime/catalog.ts'
import { loadConfig } from '../runtime/config/load-configuration.ts'
import type { RuntimeConfig } from '../runtime/config/runtime-settings.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { createLogger } from '../runtime/log.ts'
import { type DataOf, openData } from '../runtime/model/create-context.ts'
import type { AnyDomain, Domain } from '../runtime/model/domain.ts'
import type { DocumentStore } from '../runtime/ports/documents.ts'
import type { Logger } from '../runtime/ports/logger.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'
export const WEBHOOK_SECRET = 'whsec_test_secret_for_oms_tests'

/** Environment every test system starts from; override per test. */
export const TEST_ENV: Record<string, string> = {
  PORT: '0',
  HOST: '127.0.0.1',
  GRPC_PORT: '0',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  KITCHEN_COOK_MS: '50',
  RETRY_DELAYS_MS: '50,100,200',
  ADMIN_TOKEN,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
}

/** The test environment with `env` over it. */
export function testEnv(env: Record<string, string> = {}): Record<string, string> {
  return { ...TEST_ENV, ...env }
}

/** The runtime's configuration in the test environment. */
export function testConfig(env: Record<string, string> = {}): RuntimeConfig {
  return loadConfig(testEnv(env))
}

/** A domain's repository over a store whose collections for it are created first. */
export async function preparedDataOf<D extends AnyDomain | Domain<never, unknown, never, unknown>>(
  domain: D,
  store: DocumentStore,
): Promise<DataOf<D>> {
  const spec = (domain as AnyDomain).spec.data
  await store.prepare(
    domain.name,
    Object.values(spec?.collections ?? {}).map((c) => c.spec),
  )
  return dataOf(domain, store)
}

/** A domain's repository over a store, as the domain's functions see it (`ctx.data`). */
export function dataOf<D extends AnyDomain | Domain<never, unknown, never, unknown>>(
  domain: D,
  store: DocumentStore,
): DataOf<D> {
  return openData(domain, store)
}

/** Silent unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to see a failing test's logs). */
export const silentLogger: Logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')

export interface TestSystem {
  runtime: Runtime
  config: RuntimeConfig
  adapters: Adapters
  /** Base URL of the HTTP server (when HTTP functions are hosted). */
  url: string
  /** fetch against the system; `path` is relative to url. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** fetch and parse JSON: [status, body]. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
  json<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>
  stop(): Promise<void>
}

export interface StartOptions {
  /** Functions or domains to host (default: all). */
  select?: string[]
  env?: Record<string, string>
  /** Share adapters with another system (separate runtimes, one bus/registry). */
  adapters?: Adapters
}

export async function startSystem(options: StartOptions = {}): Promise<TestSystem> {
  const env = testEnv(options.env)
  const config = loadConfig(env)
  const adapters = options.adapters ?? (await createAdapters(config, silentLogger))
  const runtime = await createRuntime({
    env,
    functions: await loadFunctions(options.select ?? []),
    adapters,
    log: silentLogger,
  })
  await runtime.start()
  const url = runtime.bound.httpUrl ?? ''
  const fetchIt = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init)
  return {
    runtime,
    config,
    adapters,
    url,
    fetch: fetchIt,
    async json(path, init) {
      const res = await fetchIt(path, init)
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    },
    async stop() {
      await runtime.stop()
      if (!options.adapters) {
        await adapters.bus.close()
        await adapters.store.close()
      }
    },
  }
}

/** The selected functions in a runtime without network bindings, for `runtime.invoke` in unit tests. */
export async function invokableRuntime(
  select: string[],
  env: Record<string, string> = {},
): Promise<Runtime> {
  return createRuntime({
    env: testEnv(env),
    functions: await loadFunctions(select),
    log: silentLogger,
    listen: false,
  })
}

/** JSON request init. */
export function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  }
}

/** A Stripe checkout event for an order, signed with Stripe's own test-header helper. */
export function signedStripeEvent(options: {
  id?: string
  type?: string
  orderId: string
  customerId: string
  /** The checkout session (default `cs_test_<orderId>`). */
  sessionId?: string
  paymentStatus?: string
  secret?: string
  timestamp?: number
}): { payload: string; signature: string } {
  const payload = JSON.stringify({
    id: options.id ?? `evt_test_${Math.random().toString(36).slice(2)}`,
    object: 'event',
    type: options.type ?? 'checkout.session.completed',
    data: {
      object: {
        id: options.sessionId ?? `cs_test_${options.orderId}`,
        object: 'checkout.session',
        payment_status: options.paymentStatus ?? 'paid',
        metadata: { orderId: options.orderId, customerId: options.customerId },
      },
    },
  })
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: options.timestamp,
  })
  return { payload, signature }
}

/** The checkout session id in a payment link (`.../checkout/<id>`). */
export const sessionIdIn = (link: string): string =>
  new URL(link, 'http://localhost').pathname.split('/').pop() ?? ''

/** Polls `check` until it returns a value that is not undefined (or throws on timeout). */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}
