/**
 * The deployment users run, for the deployment benchmark: the six domain bundles as processes
 * on RabbitMQ, registering and finding each other through a Consul agent, each domain's data
 * in MongoDB (here FerretDB) or, without a URI, in its own embedded store — with stock raised
 * and, when asked, every trace exported. Also where the CPU time of each part is read from.
 */
import type { ProcessSystem } from '../../test/servers/processes.ts'
import { type CpuSource, commSource, pidSource } from './cpu-meter.ts'
import { stockUp } from './orders.ts'
import { startSixProcesses } from './six-processes.ts'

export interface DeploymentOptions {
  /** `host:port` of the Consul agent the processes register with (one agent per deployment). */
  consulAddr: string
  /** The database every domain keeps its data in; unset: each domain's embedded store. */
  mongoUri?: string
  /** OTLP/HTTP endpoint every trace is exported to (all sampled); unset: nothing exported. */
  otlpEndpoint?: string
}

export interface Deployment {
  url: string
  system: ProcessSystem
  /** CPU sources of the six domain processes and RabbitMQ (the parts every variant has). */
  cpuSources: Record<string, CpuSource>
  stop(): Promise<void>
}

/** Starts the six processes (and raises every item's stock); resolves once they serve. */
export async function startDeployment(options: DeploymentOptions): Promise<Deployment> {
  const system = await startSixProcesses({
    CONSUL_HTTP_ADDR: options.consulAddr,
    // Unset (empty counts as unset): discovery goes through Consul only, and no variable of
    // the shell the bench runs in chooses a store or an exporter.
    OMS_ADDRESSES: '',
    OMS_STORE_FILE: '',
    OMS_BUS_FILE: '',
    MONGODB_URI: options.mongoUri ?? '',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint ?? '',
    ...(options.otlpEndpoint && {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'always_on',
    }),
  })
  try {
    await stockUp(system.url)
  } catch (err) {
    await system.stop()
    throw err
  }
  const cpuSources: Record<string, CpuSource> = {}
  for (const [domain, proc] of system.processes)
    cpuSources[domain] = pidSource(() => proc.child.pid)
  cpuSources.rabbitmq = commSource('beam.smp')
  return { url: system.url, system, cpuSources, stop: () => system.stop() }
}
