/**
 * 11. The deployment users run: the six domain bundles as processes on RabbitMQ, registered in
 * and found through Consul, every domain's data in FerretDB 1.24 on its PostgreSQL backend (a
 * fresh PostgreSQL database per run, dropped after), each process on one connection. Measured
 * in one run: the most orders per second a closed loop gets through end to end (payment link
 * stored), the store commands per order as FerretDB counts them, one command's latency alone
 * and the serial ceiling they make, the POST's latency at fixed open-loop rates, CPU per order
 * of every process (FerretDB, PostgreSQL, RabbitMQ and Consul included) — then all of it again
 * after 100,000 past orders written into the database (1,000 with --quick). Beside it, the
 * same six processes on their embedded stores, and the FerretDB deployment exporting every
 * trace, alternated with one not exporting. Orders carry an Idempotency-Key, as the storefront
 * sends.
 */
import { loadavg } from 'node:os'
import { type ConsulServer, consulUnavailable, startConsul } from '../test/servers/consul.ts'
import {
  type FerretDbServer,
  ferretDbUnavailable,
  startFerretDb,
} from '../test/servers/ferretdb.ts'
import { freePort } from '../test/servers/free-port.ts'
import { bundles } from './lib/bundles.ts'
import { type ChildServer, startChild } from './lib/child.ts'
import { closedLoop } from './lib/closed-loop.ts'
import { type CpuSource, pidSource } from './lib/cpu-meter.ts'
import { type DeploymentFigures, deploymentRows, GOALS } from './lib/deployment-rows.ts'
import { type Deployment, startDeployment } from './lib/deployment-system.ts'
import { ferretRound } from './lib/ferretdb-round.ts'
import { markerOrder } from './lib/marker.ts'
import { keyHeader, type MaxRun, maxRun } from './lib/order-runs.ts'
import { ORDER_BODY, ordersUrl } from './lib/orders.ts'
import {
  createDatabase,
  dropDatabase,
  postgresCpu,
  postgresUnavailable,
  vacuumAnalyze,
} from './lib/postgres.ts'
import type { Benchmark } from './lib/report.ts'
import { type MenuItem, seedOrders } from './lib/seed-orders.ts'

const CONNECTIONS = 50

const LENGTHS = {
  full: { maxS: 10, warmS: 3, rateS: 10, idleS: 3, probeRounds: 500, seeded: 100_000, rounds: 2 },
  quick: { maxS: 3, warmS: 1, rateS: 2, idleS: 1, probeRounds: 100, seeded: 1_000, rounds: 1 },
}

/** Loads a fresh deployment for a while and waits for it to drain, so nothing measured is a first time. */
async function warm(d: Deployment, seconds: number) {
  const url = ordersUrl(d.url)
  const body = ORDER_BODY
  await closedLoop({ url, body, connections: CONNECTIONS, durationS: seconds, headers: keyHeader })
  await markerOrder(d.url, { headers: keyHeader() })
}

async function menuOf(url: string): Promise<MenuItem[]> {
  return ((await (await fetch(`${url}/api/menu`)).json()) as { items: MenuItem[] }).items
}

export const deploymentBench: Benchmark = {
  name: 'deployment',
  title: 'The deployment users run: six processes on RabbitMQ, FerretDB (PostgreSQL) and Consul',
  async unavailable() {
    return (
      ferretDbUnavailable() ?? consulUnavailable({ own: true }) ?? (await postgresUnavailable())
    )
  },
  async run({ quick }) {
    const n = quick ? LENGTHS.quick : LENGTHS.full
    const cleanup: (() => Promise<unknown>)[] = []
    const t0 = performance.now()
    const phases: Record<string, { atS: number; loadAverage: number }> = {}
    const phase = (name: string) => {
      const atS = (performance.now() - t0) / 1000
      const loadAverage = loadavg()[0] ?? Number.NaN
      phases[name] = { atS, loadAverage }
      console.log(`  ${name} at ${atS.toFixed(0)} s (load average ${loadAverage.toFixed(2)})`)
    }
    const pg = await createDatabase('oms_bench')
    cleanup.push(() => dropDatabase(pg.name))
    try {
      const debugPort = await freePort()
      const started = await Promise.all([
        startConsul({ own: true }),
        startConsul({ own: true }),
        startFerretDb({ postgresqlUrl: pg.url, debugPort }),
        startChild<{ protobuf: string }>('otlp-sink'),
        bundles(),
      ])
      const [consulA, consulB, ferret, sink] = started as [
        ConsulServer,
        ConsulServer,
        FerretDbServer,
        ChildServer<{ protobuf: string }>,
        unknown,
      ]
      cleanup.push(consulA.close, consulB.close, ferret.close, sink.stop)
      const metricsUrl = ferret.metricsUrl as string
      const infra = (consul: ConsulServer): Record<string, CpuSource> => ({
        ferretdb: pidSource(ferret.pid),
        postgresql: () => postgresCpu(pg.name),
        consul: pidSource(() => consul.pid),
      })
      const storeUri = ferret.uri('oms')
      const [plain, traced] = await Promise.all([
        startDeployment({ consulAddr: consulA.addr, mongoUri: storeUri }),
        startDeployment({
          consulAddr: consulB.addr,
          mongoUri: ferret.uri('traced'),
          otlpEndpoint: sink.ready.protobuf,
        }),
      ])
      cleanup.push(plain.stop, traced.stop)
      await warm(plain, n.warmS)
      await warm(traced, n.warmS)

      const round = (d: Deployment) =>
        ferretRound({
          deployment: d,
          infra: infra(consulA),
          metricsUrl,
          probeUri: ferret.uri('probe'),
          connections: CONNECTIONS,
          maxS: n.maxS,
          rates: [20, GOALS.p99AtRate],
          rateS: n.rateS,
          idleS: n.idleS,
          probeRounds: n.probeRounds,
        })
      const tracedRun = () =>
        maxRun({
          url: traced.url,
          durationS: n.maxS,
          connections: CONNECTIONS,
          cpuSources: { ...traced.cpuSources, ...infra(consulB) },
        })
      const plainRun = () =>
        maxRun({
          url: plain.url,
          durationS: n.maxS,
          connections: CONNECTIONS,
          cpuSources: { ...plain.cpuSources, ...infra(consulA) },
        })

      phase('fresh')
      const fresh = await round(plain)
      // Exporting and not, alternated: the fresh round's run is the first one not exporting.
      phase('tracing')
      const tracingOff: MaxRun[] = [fresh.max]
      const tracingOn: MaxRun[] = [await tracedRun()]
      for (let i = 1; i < n.rounds; i++) {
        tracingOff.push(await plainRun())
        tracingOn.push(await tracedRun())
      }
      await traced.stop()

      phase('embedded')
      // Consul B's agent: the traced processes deregistered when they stopped.
      const embeddedDeployment = await startDeployment({ consulAddr: consulB.addr })
      cleanup.push(embeddedDeployment.stop)
      await warm(embeddedDeployment, n.warmS)
      const embedded = await maxRun({
        url: embeddedDeployment.url,
        durationS: n.maxS,
        connections: CONNECTIONS,
        cpuSources: { ...embeddedDeployment.cpuSources, consul: pidSource(() => consulB.pid) },
      })
      await embeddedDeployment.stop()

      phase(`seeding ${n.seeded} orders`)
      const seeding = await seedOrders({
        uri: storeUri,
        orders: n.seeded,
        menu: await menuOf(plain.url),
        publicUrl: plain.url,
      })
      await vacuumAnalyze(pg.name)
      phase('grown')
      const grown = await round(plain)
      await plain.stop()

      phase('done')
      const figures: DeploymentFigures = {
        fresh,
        grown,
        seeded: n.seeded,
        embedded,
        tracingOff,
        tracingOn,
        connections: CONNECTIONS,
      }
      return {
        rows: deploymentRows(figures),
        details: {
          node: process.version,
          ferretdb: 'v1.24.2, PostgreSQL backend, one connection per process',
          idempotencyKeys: true,
          lengths: n,
          phases,
          seeding,
          goals: GOALS,
          ...figures,
        },
      }
    } finally {
      // Stopping twice is harmless; everything started is stopped, newest first.
      for (const stop of cleanup.reverse()) await stop().catch(() => {})
    }
  },
}
