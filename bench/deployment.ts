/**
 * 11. The deployment users run: the six domain bundles as processes on RabbitMQ, registered in
 * and found through Consul, every domain's data in FerretDB 1.24 on its PostgreSQL backend (a
 * fresh PostgreSQL database per run, dropped after), each process on one connection. Measured
 * in one run: the most orders per second a closed loop gets through end to end (payment link
 * stored), the store commands per order as FerretDB counts them, one command's latency alone
 * and the serial ceiling they make, the POST's latency at fixed open-loop rates, CPU per order
 * of every process (FerretDB, PostgreSQL, RabbitMQ and Consul included) — then all of it again
 * after 100,000 past orders written into the database (1,000 with --quick) while the processes
 * were stopped, started again on it as after a deploy. A part that fails is reported failed
 * and the others still run. Beside it, the same six processes on their embedded stores, and
 * the FerretDB deployment exporting every trace, alternated with a twin not exporting. Orders
 * carry an Idempotency-Key, as the storefront sends.
 */
import { loadavg } from 'node:os'
import { type ConsulServer, consulUnavailable, startConsul } from '../test/servers/consul.ts'
import {
  FERRETDB_POSTGRESQL_SQL,
  type FerretDbServer,
  ferretDbUnavailable,
  startFerretDb,
} from '../test/servers/ferretdb.ts'
import { freePort } from '../test/servers/free-port.ts'
import {
  applySqlFile,
  createDatabase,
  dropDatabase,
  postgresUnavailable,
  query,
} from '../test/servers/postgres.ts'
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
import { postgresCpu, vacuumAnalyze } from './lib/postgres.ts'
import type { Benchmark } from './lib/report.ts'
import { type MenuItem, seedOrders } from './lib/seed-orders.ts'

const CONNECTIONS = 50

const LENGTHS = {
  full: { maxS: 10, warmS: 3, rateS: 10, idleS: 3, probeRounds: 500, seeded: 100_000, rounds: 2 },
  quick: { maxS: 2, warmS: 1, rateS: 1, idleS: 1, probeRounds: 100, seeded: 1_000, rounds: 1 },
}

/** Loads a fresh deployment for a while and waits for it to drain, so nothing measured is a first time. */
async function warm(d: Deployment, seconds: number) {
  const url = ordersUrl(d.url)
  const body = ORDER_BODY
  await closedLoop({ url, body, connections: CONNECTIONS, durationS: seconds, headers: keyHeader })
  await markerOrder(d.url, { headers: keyHeader })
}

async function menuOf(url: string): Promise<MenuItem[]> {
  return ((await (await fetch(`${url}/api/menu`)).json()) as { items: MenuItem[] }).items
}

export const deploymentBench: Benchmark = {
  name: 'deployment',
  title: 'The deployment users run: six processes on RabbitMQ, FerretDB (PostgreSQL) and Consul',
  async unavailable() {
    return (
      ferretDbUnavailable() ??
      consulUnavailable({ own: true }) ??
      (await postgresUnavailable('the deployment benchmark'))
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
    // FerretDB's reads by _id and by index equality then use indexes (see the file).
    await applySqlFile(pg.name, FERRETDB_POSTGRESQL_SQL)
    // MongoDB's default durability: a write is acknowledged once applied, its journal flushed
    // within 100 ms (w: 1, j: false); PostgreSQL's equivalent is an asynchronous commit.
    await query(pg.name, `alter database "${pg.name}" set synchronous_commit = off`)
    try {
      const debugPort = await freePort()
      const started = await Promise.all([
        startConsul({ own: true }),
        startConsul({ own: true }),
        startConsul({ own: true }),
        startFerretDb({ postgresqlUrl: pg.url, debugPort }),
        startChild<{ protobuf: string }>('otlp-sink'),
        bundles(),
      ])
      const [consulA, consulB, consulC, ferret, sink] = started as [
        ConsulServer,
        ConsulServer,
        ConsulServer,
        FerretDbServer,
        ChildServer<{ protobuf: string }>,
        unknown,
      ]
      cleanup.push(consulA.close, consulB.close, consulC.close, ferret.close, sink.stop)
      const metricsUrl = ferret.metricsUrl as string
      const infra = (consul: ConsulServer): Record<string, CpuSource> => ({
        ferretdb: pidSource(ferret.pid),
        postgresql: () => postgresCpu(pg.name),
        consul: pidSource(() => consul.pid),
      })
      const storeUri = ferret.uri('oms')
      let plain: Deployment | undefined
      let traced: Deployment | undefined
      let twin: Deployment | undefined
      const errors: Record<string, string> = {}
      /** Runs one part; a part that fails is reported as failed and the others still run. */
      const part = async <T>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
        phase(name)
        try {
          return await work()
        } catch (err) {
          errors[name] = err instanceof Error ? (err.stack ?? err.message) : String(err)
          console.error(`  ${name} failed: ${errors[name]}`)
          return undefined
        }
      }
      const startPlain = async () => {
        plain = await startDeployment({ consulAddr: consulA.addr, mongoUri: storeUri })
        cleanup.push(plain.stop)
        return plain
      }
      const round = (d: Deployment) =>
        ferretRound({
          deployment: d,
          infra: infra(consulA),
          metricsUrl,
          probeUri: ferret.uri('probe'),
          storeUri,
          connections: CONNECTIONS,
          maxS: n.maxS,
          rates: [20, GOALS.p99AtRate],
          rateS: n.rateS,
          idleS: n.idleS,
          probeRounds: n.probeRounds,
        })
      const closedRun = (d: Deployment, infraOf: Record<string, CpuSource>) =>
        maxRun({
          url: d.url,
          durationS: n.maxS,
          connections: CONNECTIONS,
          cpuSources: { ...d.cpuSources, ...infraOf },
        })

      await Promise.all([
        startPlain().then((d) => warm(d, n.warmS)),
        (async () => {
          traced = await startDeployment({
            consulAddr: consulB.addr,
            mongoUri: ferret.uri('traced'),
            otlpEndpoint: sink.ready.protobuf,
          })
          cleanup.push(traced.stop)
          await warm(traced, n.warmS)
        })(),
        (async () => {
          twin = await startDeployment({ consulAddr: consulC.addr, mongoUri: ferret.uri('twin') })
          cleanup.push(twin.stop)
          await warm(twin, n.warmS)
        })(),
      ])
      const fresh = await part('fresh', () => round(plain as Deployment))
      // Exporting and not, alternated, on twins with the same history: every order placed makes
      // the next ones dearer on this store, so each compares with one as far along.
      const tracingOff: MaxRun[] = []
      const tracingOn: MaxRun[] = []
      await part('tracing', async () => {
        for (let i = 0; i < n.rounds; i++) {
          tracingOff.push(await closedRun(twin as Deployment, infra(consulC)))
          tracingOn.push(await closedRun(traced as Deployment, infra(consulB)))
        }
      })
      await Promise.all([traced?.stop(), twin?.stop()])

      const embedded = await part('embedded', async () => {
        // Consul B's agent: the traced processes deregistered when they stopped.
        const d = await startDeployment({ consulAddr: consulB.addr })
        cleanup.push(d.stop)
        await warm(d, n.warmS)
        const run = await closedRun(d, { consul: pidSource(() => consulB.pid) })
        await d.stop()
        return run
      })

      // The past orders are written with the processes stopped (their polls would compete for
      // the store), then the deployment starts again on the grown database, as after a deploy.
      const menu = await menuOf((plain as Deployment).url)
      const publicUrl = (plain as Deployment).url
      await plain?.stop()
      const seeding = await part('seeding', async () => {
        const seeded = await seedOrders({ uri: storeUri, orders: n.seeded, menu, publicUrl })
        await vacuumAnalyze(pg.name)
        return seeded
      })
      const grown =
        seeding &&
        (await part('grown', async () => {
          const d = await startPlain()
          // A warm-up the grown deployment cannot finish is reported; the round still runs.
          await warm(d, n.warmS).catch((err: unknown) => {
            errors['grown warm-up'] = err instanceof Error ? err.message : String(err)
          })
          return round(d)
        }))
      await plain?.stop()

      phase('done')
      const figures: DeploymentFigures = {
        fresh,
        grown,
        seeded: n.seeded,
        embedded,
        tracingOff,
        tracingOn,
        connections: CONNECTIONS,
        errors,
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
