/** Configuration: embedded defaults, and a bad value stops the start with a ConfigError naming it. */
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return err as ConfigError
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`)
}

describe('loadConfig', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      grpcPort: 0,
      publicUrl: 'http://localhost:8080',
      amqpUrl: undefined,
      mongodbUri: undefined,
      consulAddr: undefined,
      otlpEndpoint: undefined,
      tracingDisabled: false,
      adminToken: undefined,
      kitchen: { cookMs: 3000, concurrency: 4 },
      retryDelaysMs: [1000, 5000, 30000],
      prefetch: 32,
      logLevel: 'info',
      stripe: { secretKey: undefined, webhookSecretGenerated: true },
    })
    expect(config.stripe.webhookSecret).toMatch(/^whsec_\w{16,}$/)
  })

  it('turns tracing off only for OTEL_SDK_DISABLED=true, in any case', () => {
    expect(loadConfig({ OTEL_SDK_DISABLED: 'true' }).tracingDisabled).toBe(true)
    expect(loadConfig({ OTEL_SDK_DISABLED: ' True ' }).tracingDisabled).toBe(true)
    expect(loadConfig({ OTEL_SDK_DISABLED: 'false' }).tracingDisabled).toBe(false)
    expect(loadConfig({ OTEL_SDK_DISABLED: '1' }).tracingDisabled).toBe(false)
  })

  it('reads the trace sampler and span batch settings, with defaults', () => {
    expect(loadConfig({})).toMatchObject({
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      spanBatch: { maxQueueSize: 65_536, scheduledDelayMs: 500 },
    })
    const config = loadConfig({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_MAX_QUEUE_SIZE: '2048',
      OTEL_BSP_SCHEDULE_DELAY: '5000',
    })
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 })
    expect(config.spanBatch).toEqual({ maxQueueSize: 2048, scheduledDelayMs: 5000 })
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER/)
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/)
  })

  it('generates a different webhook secret per start when none is given', () => {
    expect(loadConfig({}).stripe.webhookSecret).not.toBe(loadConfig({}).stripe.webhookSecret)
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
      GRPC_PORT: '50051',
      PUBLIC_URL: 'https://shop.example.com/',
      AMQP_URL: 'amqp://guest:guest@rabbit:5672',
      MONGODB_URI: 'mongodb://mongo:27017/oms',
      STRIPE_SECRET_KEY: 'sk_test_abc123',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc123',
      KITCHEN_COOK_MS: '0',
      KITCHEN_CONCURRENCY: '2',
      ADMIN_TOKEN: 'a-long-enough-token',
      RETRY_DELAYS_MS: '10,20,40',
      PREFETCH: '5',
      LOG_LEVEL: 'warn',
    })
    expect(config).toMatchObject({
      port: 9090,
      grpcPort: 50051,
      publicUrl: 'https://shop.example.com',
      amqpUrl: 'amqp://guest:guest@rabbit:5672',
      mongodbUri: 'mongodb://mongo:27017/oms',
      stripe: {
        secretKey: 'sk_test_abc123',
        webhookSecret: 'whsec_abc123',
        webhookSecretGenerated: false,
      },
      kitchen: { cookMs: 0, concurrency: 2 },
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
    ['AMQP_URL', 'http://x'],
    ['MONGODB_URI', 'http://mongo'],
    ['PUBLIC_URL', 'not a url'],
    ['KITCHEN_COOK_MS', '-1'],
    ['KITCHEN_COOK_MS', 'soon'],
    ['KITCHEN_CONCURRENCY', '0'],
    ['STRIPE_WEBHOOK_SECRET', 'nope'],
    ['STRIPE_SECRET_KEY', 'pk_test_abc'],
    ['ADMIN_TOKEN', 'short'],
    ['RETRY_DELAYS_MS', '1,,2'],
    ['RETRY_DELAYS_MS', '1,-2'],
    ['PREFETCH', '0'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s with a ConfigError naming it', (variable, value) => {
    const err = configError({ [variable]: value })
    expect(err.name).toBe('ConfigError')
    expect(err.message).toMatch(new RegExp(`(^|\\s)${variable}:`))
  })

  it.each(['PORT', 'KITCHEN_COOK_MS'])(
    'refuses a blank %s instead of reading it as 0',
    (variable) => {
      expect(configError({ [variable]: ' ' }).message).toContain(`${variable}:`)
    },
  )

  it('refuses STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET, naming the missing one', () => {
    const err = configError({ STRIPE_SECRET_KEY: 'sk_test_abc123' })
    expect(err.message).toContain('STRIPE_WEBHOOK_SECRET')
    expect(err.message).toContain('STRIPE_SECRET_KEY')
  })

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', ADMIN_TOKEN: 'short', KITCHEN_COOK_MS: '-1' })
    for (const variable of ['PORT', 'ADMIN_TOKEN', 'KITCHEN_COOK_MS']) {
      expect(err.message).toContain(`${variable}:`)
    }
  })
})
