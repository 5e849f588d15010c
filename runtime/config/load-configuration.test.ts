/**
 * Configuration: the runtime's settings and those of the hosted domains, read at once. Embedded
 * defaults; a bad value stops the start with one ConfigError naming every bad variable; a
 * domain's settings are read (and validated) only where the domain is hosted, and each domain
 * gets only its own values.
 */

import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod'
import { loadDomains } from '../catalog.ts'
import { type AnyDomain, domain } from '../model/domain.ts'
import { ConfigError } from './config-error.ts'
import {
  describeSettings,
  loadConfig,
  loadConfiguration,
  RUNTIME_OWNER,
} from './load-configuration.ts'
import { type Env, loadSettings, type SettingsGroup } from './load-settings.ts'
import { RUNTIME_SETTINGS } from './runtime-settings.ts'
import { isSetting, setting } from './setting.ts'

let all: AnyDomain[]
beforeAll(async () => {
  all = await loadDomains()
})

/** The catalog's domain of that name. */
function named(name: string): AnyDomain {
  const found = all.find((d) => d.name === name)
  if (!found) throw new Error(`the catalog has no domain ${name}`)
  return found
}

/** The domains of the catalog that declare the variable. */
const declaring = (env: string) =>
  all.filter((d) => Object.values(d.spec.settings ?? {}).some((s) => s.env === env))

function configError(load: () => unknown): ConfigError {
  try {
    load()
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error('the configuration loaded without a ConfigError')
}

/** Loads with every domain of the catalog hosted. */
const everything = (env: Env) => loadConfiguration(all, env)

describe('loadConfig (the runtime alone)', () => {
  it('runs on embedded defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      advertiseHost: '127.0.0.1',
      grpcPort: 0,
      publicUrl: 'http://localhost:8080',
      amqpUrl: undefined,
      mongodbUri: undefined,
      storeFile: undefined,
      busFile: undefined,
      consulAddr: undefined,
      otlpEndpoint: undefined,
      otlpProtocol: 'http/protobuf',
      tracingDisabled: false,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      spanBatch: { maxQueueSize: 65_536, scheduledDelayMs: 500 },
      adminToken: undefined,
      internalToken: undefined,
      insecureInternal: false,
      opsLoopback: false,
      dashboard: false,
      // Nothing outside can find a process on embedded defaults: its gRPC is loopback only.
      grpcHost: '127.0.0.1',
      reachable: false,
      retryDelaysMs: [1000, 5000, 30000],
      prefetch: 32,
      outboxPollMs: 1000,
      transientWaitMs: 600_000,
      amqpNamespace: 'oms',
      publishTimeoutMs: 15_000,
      requestTimeoutMs: 10_000,
      maxInFlight: 1024,
      shutdownGraceMs: 10_000,
      addresses: {},
      logLevel: 'info',
      logFormat: undefined,
      metricsPort: undefined,
    })
  })

  it('reads the log format and the metrics port, refusing other values', () => {
    expect(loadConfig({ LOG_FORMAT: 'pretty', METRICS_PORT: '9464' })).toMatchObject({
      logFormat: 'pretty',
      metricsPort: 9464,
    })
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json')
    expect(() => loadConfig({ LOG_FORMAT: 'fancy' })).toThrow(/LOG_FORMAT/)
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/)
  })

  it('turns tracing off only for OTEL_SDK_DISABLED=true, in any case', () => {
    expect(loadConfig({ OTEL_SDK_DISABLED: 'true' }).tracingDisabled).toBe(true)
    expect(loadConfig({ OTEL_SDK_DISABLED: ' True ' }).tracingDisabled).toBe(true)
    expect(loadConfig({ OTEL_SDK_DISABLED: 'false' }).tracingDisabled).toBe(false)
    expect(loadConfig({ OTEL_SDK_DISABLED: '1' }).tracingDisabled).toBe(false)
  })

  it('reads the trace sampler and span batch settings', () => {
    const config = loadConfig({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '2048',
      OTEL_BSP_SCHEDULE_DELAY: '5000',
    })
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 })
    expect(config.spanBatch).toEqual({ maxQueueSize: 2048, scheduledDelayMs: 5000 })
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER:/)
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG:/)
  })

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', ADMIN_TOKEN: '', RETRY_DELAYS_MS: '', AMQP_URL: '' })
    expect(config.port).toBe(8080)
    expect(config.adminToken).toBeUndefined()
    expect(config.retryDelaysMs).toEqual([1000, 5000, 30000])
    expect(config.amqpUrl).toBeUndefined()
  })

  it('reads every variable it is given', () => {
    const config = loadConfig({
      PORT: '9090',
      HOST: '10.0.0.5',
      GRPC_PORT: '50051',
      PUBLIC_URL: 'https://shop.example.com/',
      AMQP_URL: 'amqp://guest:guest@rabbit:5672',
      AMQP_NAMESPACE: 'shop_1',
      PUBLISH_TIMEOUT_MS: '2000',
      MONGODB_URI: 'mongodb://mongo:27017/oms',
      OMS_STORE_FILE: '/tmp/oms.json',
      CONSUL_HTTP_ADDR: 'consul:8500',
      OMS_ADDRESSES: 'menu=127.0.0.1:50051, orders.get-order=10.0.0.2:8081',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      ADMIN_TOKEN: 'a-long-enough-token',
      RETRY_DELAYS_MS: '10,20,40',
      PREFETCH: '5',
      LOG_LEVEL: 'warn',
    })
    expect(config).toMatchObject({
      port: 9090,
      host: '10.0.0.5',
      advertiseHost: '10.0.0.5',
      grpcPort: 50051,
      publicUrl: 'https://shop.example.com',
      amqpUrl: 'amqp://guest:guest@rabbit:5672',
      amqpNamespace: 'shop_1',
      publishTimeoutMs: 2000,
      mongodbUri: 'mongodb://mongo:27017/oms',
      storeFile: '/tmp/oms.json',
      busFile: undefined,
      consulAddr: 'consul:8500',
      addresses: {
        menu: { host: '127.0.0.1', port: 50051 },
        'orders.get-order': { host: '10.0.0.2', port: 8081 },
      },
      otlpEndpoint: 'http://jaeger:4318',
      otlpProtocol: 'http/json',
      adminToken: 'a-long-enough-token',
      retryDelaysMs: [10, 20, 40],
      prefetch: 5,
      logLevel: 'warn',
    })
  })

  it('bases links on PORT when PUBLIC_URL is unset', () => {
    expect(loadConfig({ PORT: '3000' }).publicUrl).toBe('http://localhost:3000')
  })

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['GRPC_PORT', '-1'],
    ['ADVERTISE_HOST', '0.0.0.0'],
    ['AMQP_URL', 'http://x'],
    ['AMQP_NAMESPACE', 'Shop'],
    ['MONGODB_URI', 'http://mongo'],
    ['PUBLIC_URL', 'not a url'],
    ['OMS_ADDRESSES', 'menu'],
    ['ADMIN_TOKEN', 'short'],
    ['RETRY_DELAYS_MS', '1,,2'],
    ['RETRY_DELAYS_MS', '1,-2'],
    ['PREFETCH', '0'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s with a ConfigError naming it', (variable, value) => {
    const err = configError(() => loadConfig({ [variable]: value }))
    expect(err.name).toBe('ConfigError')
    expect(err.message).toMatch(new RegExp(`(^|\\s)${variable}:`))
  })

  it('refuses a blank PORT instead of reading it as 0', () => {
    expect(configError(() => loadConfig({ PORT: ' ' })).message).toContain('PORT:')
  })

  it("reads no domain's variables: they are not validated where no domain reads them", () => {
    const env = { KITCHEN_COOK_MS: '-1', STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_API_BASE: 'x' }
    expect(() => loadConfig(env)).not.toThrow()
    expect(loadConfiguration([], env).domains.size).toBe(0)
  })
})

describe('loadConfiguration (the runtime and the hosted domains)', () => {
  it("gives each hosted domain its own settings' defaults, and nothing else", () => {
    const configuration = everything({})
    expect([...configuration.domains.keys()].sort()).toEqual(all.map((d) => d.name).sort())
    expect(configuration.domains.has(RUNTIME_OWNER)).toBe(false)
    for (const d of all) {
      const values = configuration.domains.get(d.name) ?? {}
      expect(Object.keys(values).sort(), d.name).toEqual(Object.keys(d.spec.settings ?? {}).sort())
    }
    expect(configuration.domains.get('kitchen')).toEqual({
      mode: 'simulated',
      cookMs: 3000,
      concurrency: 4,
    })
    expect(configuration.domains.get('payments')).toEqual({
      secretKey: undefined,
      apiBase: undefined,
      webhookSecret: expect.stringMatching(/^whsec_\w{16,}$/),
    })
  })

  it("hands a domain only its own values, not the runtime's nor another domain's", () => {
    const configuration = everything({
      PORT: '9090',
      KITCHEN_COOK_MS: '0',
      KITCHEN_CONCURRENCY: '2',
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      STRIPE_API_BASE: 'http://localhost:12111',
    })
    expect(configuration.runtime.port).toBe(9090)
    expect(configuration.domains.get('kitchen')).toEqual({
      mode: 'simulated',
      cookMs: 0,
      concurrency: 2,
    })
    expect(configuration.domains.get('payments')).toEqual({
      secretKey: 'sk_test_abc123',
      webhookSecret: 'whsec_abc123',
      apiBase: 'http://localhost:12111',
    })
    for (const d of all) {
      const values = configuration.domains.get(d.name) ?? {}
      expect(values, d.name).not.toHaveProperty('port')
      if (d.name !== 'kitchen') expect(values, d.name).not.toHaveProperty('cookMs')
      if (d.name !== 'payments') expect(values, d.name).not.toHaveProperty('secretKey')
    }
  })

  it('hosts only the domains given: others get no values', () => {
    const configuration = loadConfiguration([named('kitchen')], {})
    expect([...configuration.domains.keys()]).toEqual(['kitchen'])
  })

  it('gives a variable read by the runtime and a domain through one declaration to both', () => {
    const readers = declaring('ADMIN_TOKEN')
    expect(readers.length).toBeGreaterThan(0)
    const configuration = loadConfiguration(readers, { ADMIN_TOKEN: 'a-long-enough-token' })
    expect(configuration.runtime.adminToken).toBe('a-long-enough-token')
    for (const d of readers)
      expect(Object.values(configuration.domains.get(d.name) ?? {}), d.name).toContain(
        'a-long-enough-token',
      )
  })

  it.each([
    ['KITCHEN_COOK_MS', '-1'],
    ['KITCHEN_COOK_MS', 'soon'],
    ['KITCHEN_COOK_MS', ' '],
    ['KITCHEN_CONCURRENCY', '0'],
    ['STRIPE_WEBHOOK_SECRET', 'nope'],
    ['STRIPE_SECRET_KEY', 'pk_test_abc'],
    ['STRIPE_API_BASE', 'ftp://stripe'],
  ])('refuses %s=%s, naming it, only where a domain reading it is hosted', (variable, value) => {
    const readers = declaring(variable)
    expect(readers.length, `a domain declares ${variable}`).toBeGreaterThan(0)
    const others = all.filter((d) => !readers.includes(d))
    const env = { [variable]: value }
    for (const reader of readers) {
      const err = configError(() => loadConfiguration([reader], env))
      expect(err.message).toMatch(new RegExp(`(^|\\s)${variable}:`))
      expect(() => loadConfiguration([...others, reader], env)).toThrow(ConfigError)
    }
    expect(() => loadConfiguration(others, env)).not.toThrow()
  })

  it('names every bad variable, the runtime’s and the domains’, in one error', () => {
    const err = configError(() =>
      everything({
        PORT: 'abc',
        ADMIN_TOKEN: 'short',
        KITCHEN_COOK_MS: '-1',
        STRIPE_API_BASE: 'nowhere',
      }),
    )
    expect(err.message.split('\n')[0]).toBe('invalid configuration:')
    for (const variable of ['PORT', 'ADMIN_TOKEN', 'KITCHEN_COOK_MS', 'STRIPE_API_BASE'])
      expect(err.message).toMatch(new RegExp(`(^|\\s)${variable}:`))
  })

  it('names a variable once even when two hosted owners read it', () => {
    const err = configError(() => everything({ ADMIN_TOKEN: 'short' }))
    expect(err.message.match(/ADMIN_TOKEN:/g)).toHaveLength(1)
  })
})

describe('the payments domain’s check across its settings', () => {
  const payments = () => named('payments')

  it('refuses STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET, naming the missing one', () => {
    for (const env of [
      { STRIPE_SECRET_KEY: 'sk_test_abc123' },
      { STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: '' },
    ]) {
      const err = configError(() => loadConfiguration([payments()], env))
      expect(err.message).toMatch(/(^|\s)STRIPE_WEBHOOK_SECRET:/)
      expect(err.message).toContain('STRIPE_SECRET_KEY')
    }
  })

  it('accepts STRIPE_SECRET_KEY with STRIPE_WEBHOOK_SECRET, and announces no generated secret', () => {
    const configuration = loadConfiguration([payments()], {
      STRIPE_SECRET_KEY: 'rk_live_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
    })
    expect(configuration.domains.get('payments')).toMatchObject({
      secretKey: 'rk_live_abc123',
      webhookSecret: 'whsec_abc123',
    })
    expect(configuration.generated).toEqual([])
  })

  it('is not applied where payments is not hosted', () => {
    const others = all.filter((d) => d.name !== 'payments')
    expect(() => loadConfiguration(others, { STRIPE_SECRET_KEY: 'sk_test_abc123' })).not.toThrow()
  })
})

describe('generated values', () => {
  it('generates the webhook secret when unset, announced as a secret with its value', () => {
    const configuration = loadConfiguration([named('payments')], {})
    const secret = configuration.domains.get('payments')?.webhookSecret
    expect(secret).toMatch(/^whsec_\w{16,}$/)
    expect(configuration.generated).toEqual([
      { env: 'STRIPE_WEBHOOK_SECRET', value: secret, secret: true },
    ])
  })

  it('generates a different one per start', () => {
    const secretOf = () =>
      loadConfiguration([named('payments')], {}).domains.get('payments')?.webhookSecret
    expect(secretOf()).not.toBe(secretOf())
  })

  it('generates nothing where no hosted domain asks for it', () => {
    expect(loadConfiguration([], {}).generated).toEqual([])
    expect(loadConfiguration([named('kitchen')], {}).generated).toEqual([])
  })
})

describe('declarations', () => {
  const count = setting('TEST_COUNT', z.string().regex(/^\d+$/).transform(Number), {
    default: 1,
    set: 'how many',
  })

  it('lets two domains read one variable through the same declaration', () => {
    const alpha = domain('alpha', { settings: { count } })
    const beta = domain('beta', { settings: { howMany: count } })
    const configuration = loadConfiguration([alpha, beta], { TEST_COUNT: '7' })
    expect(configuration.domains.get('alpha')).toEqual({ count: 7 })
    expect(configuration.domains.get('beta')).toEqual({ howMany: 7 })
  })

  it('refuses two owners declaring one variable differently, naming both', () => {
    const alpha = domain('alpha', { settings: { count } })
    const beta = domain('beta', {
      settings: { count: setting('TEST_COUNT', z.string(), { set: 'how many, as text' }) },
    })
    const err = configError(() => loadConfiguration([alpha, beta], {}))
    expect(err.message).toContain('TEST_COUNT')
    expect(err.message).toContain('alpha')
    expect(err.message).toContain('beta')
  })

  it("refuses a domain declaring a runtime variable differently from the runtime's declaration", () => {
    const rogue = domain('rogue', {
      settings: { port: setting('PORT', z.string(), { set: 'my own port' }) },
    })
    const err = configError(() => loadConfiguration([rogue], {}))
    expect(err.message).toContain('PORT')
    expect(err.message).toContain(RUNTIME_OWNER)
    expect(err.message).toContain('rogue')
  })

  it('lists every variable with who reads it', () => {
    const rows = describeSettings(all)
    const owners = (env: string) => rows.find((r) => r.setting.env === env)?.owners
    expect(owners('PORT')).toEqual([RUNTIME_OWNER])
    expect(owners('ADMIN_TOKEN')).toEqual([
      RUNTIME_OWNER,
      ...declaring('ADMIN_TOKEN').map((d) => d.name),
    ])
    expect(owners('KITCHEN_COOK_MS')).toEqual(declaring('KITCHEN_COOK_MS').map((d) => d.name))
    expect(new Set(rows.map((r) => r.setting.env)).size).toBe(rows.length)
  })
})

describe('loadSettings', () => {
  const groups = (): SettingsGroup[] => [
    {
      owner: 'one',
      settings: {
        a: setting('TEST_A', z.string().min(2, 'too short'), { default: 'aa', set: 'a' }),
        b: setting('TEST_B', z.string(), { set: 'b' }),
      },
      check: (values, isSet) =>
        values.a === 'needs-b' && !isSet('b')
          ? { env: 'TEST_B', message: 'required with TEST_A=needs-b' }
          : undefined,
    },
    {
      owner: 'two',
      settings: {
        c: setting('TEST_C', z.string(), { generate: () => 'made', set: 'c', secret: true }),
      },
    },
  ]

  it('gives each owner its values under its own keys, and announces generated ones', () => {
    const loaded = loadSettings(groups(), { TEST_B: 'bee' })
    expect(loaded.values.get('one')).toEqual({ a: 'aa', b: 'bee' })
    expect(loaded.values.get('two')).toEqual({ c: 'made' })
    expect(loaded.generated).toEqual([{ env: 'TEST_C', value: 'made', secret: true }])
  })

  it('runs the owner’s check, counting an empty variable as unset', () => {
    for (const env of [{ TEST_A: 'needs-b' }, { TEST_A: 'needs-b', TEST_B: '' }]) {
      const err = configError(() => loadSettings(groups(), env))
      expect(err.message).toContain('TEST_B: required with TEST_A=needs-b')
    }
    expect(loadSettings(groups(), { TEST_A: 'needs-b', TEST_B: 'x' }).values.get('one')).toEqual({
      a: 'needs-b',
      b: 'x',
    })
  })

  it("names the schema's message for a bad value", () => {
    expect(configError(() => loadSettings(groups(), { TEST_A: 'x' })).message).toContain(
      'TEST_A: too short',
    )
  })
})

describe('setting', () => {
  it('declares a variable with its default, and what it does set and unset', () => {
    const s = setting('TEST_X', z.string(), { default: 'x', set: 'does x' })
    expect(isSetting(s)).toBe(true)
    expect(s).toMatchObject({
      env: 'TEST_X',
      fallback: 'x',
      generated: false,
      secret: false,
      whenSet: 'does x',
      whenUnset: 'x',
    })
    expect(setting('TEST_Y', z.string(), { set: 'y' }).whenUnset).toBe('unset')
    expect(setting('TEST_Y', z.string(), { set: 'y', unset: 'no y' }).whenUnset).toBe('no y')
    expect(setting('TEST_Y', z.string(), { set: 'y' })).not.toHaveProperty('fallback')
  })

  it('refuses a variable name that is not upper-case letters, digits and _', () => {
    for (const env of ['lower', '1ST', 'WITH-DASH', ''])
      expect(() => setting(env, z.string(), { set: 'x' }), env).toThrow()
  })

  it('declares every runtime setting through setting()', () => {
    for (const s of Object.values(RUNTIME_SETTINGS)) expect(isSetting(s), s.env).toBe(true)
  })
})
