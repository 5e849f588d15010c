import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger, testEnv } from '../../test/fixtures.ts'
import { loadFunctions } from '../catalog.ts'
import { writeDevCertificates } from '../cli/commands/certs.ts'
import { ConfigError } from '../config/config-error.ts'
import { createRuntime, type Runtime } from '../host.ts'
import { probe } from './health-probe.ts'

let runtime: Runtime | undefined
afterEach(async () => {
  await runtime?.stop()
  runtime = undefined
})

async function host(select: string[], env: Record<string, string> = {}) {
  runtime = await createRuntime({
    env: testEnv(env),
    functions: await loadFunctions(select),
    log: silentLogger,
  })
  await runtime.start()
  return `127.0.0.1:${runtime.bound.grpcPort}`
}

describe('the gRPC health service', () => {
  it('says SERVING for the server and each service it serves, and NOT_FOUND for others', async () => {
    const address = await host(['stock'])
    expect(await probe(address)).toBe('SERVING')
    expect(await probe(address, 'oms.v1.StockService')).toBe('SERVING')
    expect(await probe(address, 'oms.v1.OrderService')).toMatch(/^error: unknown service/)
  })

  it('answers without the internal credential, as probes ask', async () => {
    const address = await host(['stock'], { OMS_INTERNAL_TOKEN: 'x'.repeat(40) })
    expect(await probe(address)).toBe('SERVING')
  })

  it('is served alone by a process with no server of its own (a worker)', async () => {
    const address = await host(['kitchen'])
    expect(runtime?.bound.grpcPort).toBeGreaterThan(0)
    expect(await probe(address)).toBe('SERVING')
  })
})

describe('a process other processes can reach', () => {
  const reachable = { OMS_ADDRESSES: 'orders=127.0.0.1:1' }

  it('refuses to start serving gRPC without OMS_INTERNAL_TOKEN, naming the fix', async () => {
    await expect(
      createRuntime({ env: testEnv(reachable), functions: await loadFunctions(['stock']) }),
    ).rejects.toThrow(ConfigError)
    await expect(
      createRuntime({ env: testEnv(reachable), functions: await loadFunctions(['stock']) }),
    ).rejects.toThrow(/OMS_INTERNAL_TOKEN.*OMS_INSECURE_INTERNAL=true/)
  })

  it('starts with the token, or with the explicit plaintext opt-in, then serving gRPC on HOST', async () => {
    await host(['stock'], { ...reachable, OMS_INTERNAL_TOKEN: 'y'.repeat(40) })
    expect(runtime?.config.grpcHost).toBe('127.0.0.1')
    await runtime?.stop()
    runtime = undefined
    await host(['stock'], { ...reachable, OMS_INSECURE_INTERNAL: 'true', HOST: '0.0.0.0' })
    expect((runtime as Runtime | undefined)?.config.grpcHost).toBe('0.0.0.0')
  })

  it('needs the token beside mutual TLS when it serves HTTP (forwards carry the token)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-certs-'))
    await writeDevCertificates({ out: dir, domains: ['payments', 'stock'] })
    const tls = (domain: string) => ({
      ...reachable,
      OMS_TLS_CA: join(dir, 'ca.pem'),
      OMS_TLS_CERT: join(dir, `${domain}.pem`),
      OMS_TLS_KEY: join(dir, `${domain}-key.pem`),
    })
    await expect(
      createRuntime({
        env: testEnv(tls('payments')),
        functions: await loadFunctions(['payments']),
      }),
    ).rejects.toThrow(
      /HTTP forwarded between the processes is authenticated with OMS_INTERNAL_TOKEN/,
    )
    // gRPC alone: mutual TLS is enough.
    await host(['stock'], tls('stock'))
    const address = `127.0.0.1:${runtime?.bound.grpcPort}`
    expect(await probe(address, '', 2_000, {})).toMatch(/^error/)
    // The probe in the container has the process's certificate.
    expect(await probe(address, '', 2_000, tls('stock'))).toBe('SERVING')
  })

  it('serves gRPC on loopback only when nothing outside can find it, whatever HOST says', async () => {
    await host(['stock'], { HOST: '0.0.0.0' })
    expect(runtime?.config.grpcHost).toBe('127.0.0.1')
  })
})
