/**
 * The Consul registry against a real agent (test/servers/consul.ts starts a dev agent, or
 * uses CONSUL_HTTP_ADDR): registration with tags, meta and a TCP check, deregistration,
 * a dead port dropped by its check, the discovery cache (no request per lookup, following
 * changes within a second, surviving an unreachable agent) and the start-up bound.
 */
import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer, request, type Server } from 'node:http'
import { createServer, type Server as NetServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger, waitFor } from '../../../../test/fixtures.ts'
import {
  type ConsulServer,
  consulUnavailable,
  startConsul,
} from '../../../../test/servers/consul.ts'
import { freePort } from '../../../../test/servers/free-port.ts'
import type { Logger } from '../../../ports/logger.ts'
import type { Instance, Registry } from '../../../ports/registry.ts'
import { consulRegistry } from './consul-registry.ts'
import { serviceNameOf } from './service-name.ts'

const skip = consulUnavailable()

/** A function name nothing else uses on the agent. */
const fnName = (what = 'reserve-stock') => `t${randomBytes(4).toString('hex')}.${what}`

function listening(): Promise<NetServer> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy())
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}
const portOf = (server: NetServer | Server) => (server.address() as { port: number }).port
const closeServer = (server: NetServer | Server) =>
  new Promise<void>((resolve) => server.close(() => resolve()))

function instanceOn(name: string, port: number, trigger = 'grpc'): Instance {
  const domain = name.split('.')[0] ?? name
  return {
    id: `${name}-${randomBytes(4).toString('hex')}`,
    name,
    host: '127.0.0.1',
    port,
    tags: [`domain:${domain}`, `trigger:${trigger}`],
  }
}

/** An HTTP proxy in front of the agent that counts requests and can be taken away. */
async function countingProxy(target: string) {
  const [host, port] = target.split(':') as [string, string]
  let requests = 0
  const server = createHttpServer((req, res) => {
    requests += 1
    const upstream = request(
      { host, port: Number(port), path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  const listenOn = (p: number) =>
    new Promise<void>((resolve) => server.listen(p, '127.0.0.1', () => resolve()))
  await listenOn(0)
  const proxyPort = portOf(server)
  return {
    addr: `127.0.0.1:${proxyPort}`,
    get requests() {
      return requests
    },
    /** Refuses connections from now on (and drops open ones, as a dead agent would). */
    async stop() {
      const closed = closeServer(server)
      server.closeAllConnections()
      await closed
    },
    start: () => listenOn(proxyPort),
  }
}

/** A logger that keeps warnings and drops everything else. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  const ignore = () => {}
  const log: Logger & { warnings: string[] } = {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (a: unknown, b?: string) => {
      warnings.push(typeof a === 'string' ? a : String(b))
    },
    child: () => log,
  }
  return log
}

describe.skipIf(skip)('Consul registry on a real agent', () => {
  let consul: ConsulServer
  const cleanup: (() => Promise<unknown>)[] = []
  const open = async (address: string, log: Logger = silentLogger): Promise<Registry> => {
    const registry = await consulRegistry({ address, log })
    cleanup.push(() => registry.close())
    return registry
  }
  const agentJson = async (path: string) =>
    (await fetch(`http://${consul.addr}${path}`)).json() as Promise<unknown>

  beforeAll(async () => {
    consul = await startConsul()
  })
  afterAll(async () => {
    await consul?.close()
  })
  afterEach(async () => {
    for (const undo of cleanup.splice(0).reverse()) await undo().catch(() => {})
  })

  it('registers a function as a DNS-friendly service with tags, meta and a TCP check', async () => {
    const registry = await open(`http://${consul.addr}`)
    const server = await listening()
    cleanup.push(() => closeServer(server))
    const name = fnName()
    const instance = instanceOn(name, portOf(server))
    await registry.register(instance)
    cleanup.push(() => registry.deregister(instance.id))

    expect(await registry.resolve(name)).toEqual([instance])
    const service = (await agentJson(`/v1/agent/service/${instance.id}`)) as Record<string, unknown>
    expect(service).toMatchObject({
      ID: instance.id,
      Service: serviceNameOf(name),
      Address: '127.0.0.1',
      Port: instance.port,
      Tags: [`domain:${name.split('.')[0]}`, 'trigger:grpc'],
      Meta: { 'oms-function': name },
    })
    expect(serviceNameOf(name)).toMatch(/^[a-z0-9-]+$/)
    // The agent's own TCP check confirms the instance (it starts passing and must stay so).
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const checks = (await agentJson(
      `/v1/agent/checks?filter=${encodeURIComponent(`ServiceID == "${instance.id}"`)}`,
    )) as Record<string, { Type: string; Status: string; Output: string }>
    expect(Object.values(checks)).toEqual([
      expect.objectContaining({
        Type: 'tcp',
        Interval: '2s',
        Timeout: '1s',
        Status: 'passing',
        Output: expect.stringContaining(`TCP connect 127.0.0.1:${instance.port}: Success`),
      }),
    ])
    expect(await registry.resolve(name)).toEqual([instance])
  })

  it('deregister removes the instance at once', async () => {
    const registry = await open(consul.addr)
    const server = await listening()
    cleanup.push(() => closeServer(server))
    const name = fnName()
    const a = instanceOn(name, portOf(server))
    const b = instanceOn(name, portOf(server))
    await registry.register(a)
    await registry.register(b)
    await waitFor(async () => ((await registry.resolve(name)).length === 2 ? true : undefined))

    const started = Date.now()
    await registry.deregister(a.id)
    await waitFor(
      async () =>
        (await registry.resolve(name)).map((i) => i.id).join() === b.id ? true : undefined,
      { timeoutMs: 1000, intervalMs: 5, what: 'a dropped from the cache' },
    )
    expect(Date.now() - started).toBeLessThan(1000)
    await registry.deregister(b.id)
    await expect(registry.deregister(b.id)).resolves.toBeUndefined()
    await waitFor(async () => ((await registry.resolve(name)).length === 0 ? true : undefined), {
      timeoutMs: 1000,
      intervalMs: 5,
    })
  })

  it('drops an instance whose port stops listening within a few seconds', async () => {
    const registry = await open(consul.addr)
    const alive = await listening()
    const dying = await listening()
    cleanup.push(() => closeServer(alive))
    const name = fnName()
    const keep = instanceOn(name, portOf(alive))
    const lose = instanceOn(name, portOf(dying))
    for (const i of [keep, lose]) {
      await registry.register(i)
      cleanup.push(() => registry.deregister(i.id))
    }
    expect((await registry.resolve(name)).map((i) => i.id).sort()).toEqual(
      [keep.id, lose.id].sort(),
    )

    await closeServer(dying)
    const started = Date.now()
    await waitFor(
      async () =>
        (await registry.resolve(name)).map((i) => i.id).join() === keep.id ? true : undefined,
      { timeoutMs: 8000, intervalMs: 20, what: 'the dead instance dropped' },
    )
    // One check interval (2 s) plus the blocking query's answer.
    expect(Date.now() - started).toBeLessThan(4000)
    const states = (await agentJson(`/v1/health/checks/${serviceNameOf(name)}`)) as {
      ServiceID: string
      Status: string
    }[]
    expect(states.find((c) => c.ServiceID === lose.id)?.Status).toBe('critical')
    expect(states.find((c) => c.ServiceID === keep.id)?.Status).toBe('passing')
  })

  it('answers lookups from its cache, without a request each, and follows changes within a second', async () => {
    const proxy = await countingProxy(consul.addr)
    cleanup.push(() => proxy.stop())
    const registry = await open(proxy.addr)
    const writer = await open(consul.addr)
    const server = await listening()
    cleanup.push(() => closeServer(server))
    const name = fnName()
    const first = instanceOn(name, portOf(server))
    await writer.register(first)
    cleanup.push(() => writer.deregister(first.id))
    await waitFor(async () => ((await registry.resolve(name)).length === 1 ? true : undefined))

    const before = proxy.requests
    const started = performance.now()
    for (let i = 0; i < 10_000; i++) await registry.resolve(name)
    const elapsedMs = performance.now() - started
    expect(proxy.requests - before).toBe(0)
    expect(elapsedMs).toBeLessThan(50)

    const second = instanceOn(name, portOf(server))
    const registeredAt = Date.now()
    await writer.register(second)
    cleanup.push(() => writer.deregister(second.id))
    await waitFor(async () => ((await registry.resolve(name)).length === 2 ? true : undefined), {
      timeoutMs: 1000,
      intervalMs: 5,
      what: 'the new instance in the cache',
    })
    expect(Date.now() - registeredAt).toBeLessThan(1000)
    // One blocking query answered the change, the next one is waiting: no polling.
    expect(proxy.requests - before).toBeLessThanOrEqual(2)
  })

  it('keeps serving the last known instances while the agent is unreachable, with a warning', async () => {
    const proxy = await countingProxy(consul.addr)
    cleanup.push(() => proxy.stop())
    const log = recordingLogger()
    const registry = await consulRegistry({ address: proxy.addr, log, retryMaxMs: 300 })
    cleanup.push(() => registry.close())
    const writer = await open(consul.addr)
    const server = await listening()
    cleanup.push(() => closeServer(server))
    const name = fnName()
    const instance = instanceOn(name, portOf(server))
    await writer.register(instance)
    cleanup.push(() => writer.deregister(instance.id))
    await waitFor(async () => ((await registry.resolve(name)).length === 1 ? true : undefined))

    await proxy.stop()
    await waitFor(() => (log.warnings.length > 0 ? true : undefined), { what: 'a warning' })
    expect(log.warnings[0]).toMatch(/Consul agent unreachable/)
    expect(await registry.resolve(name)).toEqual([instance])

    // Back again: the watch picks up what changed meanwhile.
    const other = instanceOn(name, portOf(server))
    await writer.register(other)
    cleanup.push(() => writer.deregister(other.id))
    await proxy.start()
    await waitFor(async () => ((await registry.resolve(name)).length === 2 ? true : undefined), {
      timeoutMs: 3000,
      what: 'the change made during the outage',
    })
  })

  it('stops at start with an error naming CONSUL_HTTP_ADDR when no agent answers', async () => {
    const port = await freePort()
    const started = Date.now()
    await expect(
      consulRegistry({ address: `127.0.0.1:${port}`, log: silentLogger, startTimeoutMs: 600 }),
    ).rejects.toThrow(/CONSUL_HTTP_ADDR.*127\.0\.0\.1/)
    expect(Date.now() - started).toBeLessThan(3000)
  })
})
