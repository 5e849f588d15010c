/**
 * What `oms deploy k8s` deploys, worked out from the function catalog and the domains'
 * declarations alone (no Kubernetes objects yet; render.ts makes those):
 *
 * - the units: per domain one serving unit of its HTTP, gRPC and scheduled functions
 *   (dist/serve/<domain>.mjs), and one unit per consumer and per worker function
 *   (dist/<domain>.<function>.mjs), each scaled on its own load;
 * - how each unit scales: CPU for serving units, its queue's backlog for a consumer, its job
 *   backlog (and its intake queue) for a worker — with the target per replica derived from
 *   the function's declarations (see `queueTarget`);
 * - the configuration: non-secret settings for a ConfigMap, and the names of the secret ones,
 *   which pods read from a Secret the operator creates (values are never rendered).
 */
import { createHash } from 'node:crypto'
import { topology } from '../../adapters/bus/amqp/topology.ts'
import {
  collectionName,
  DEFAULT_DB_NAME,
  dbNameOf,
} from '../../adapters/documents/mongo/mongo-documents.ts'
import { serviceNameOf } from '../../adapters/registry/consul/service-name.ts'
import { stopBoundMs } from '../../cli/shutdown.ts'
import { describeSettings, loadConfiguration } from '../../config/load-configuration.ts'
import type { Env } from '../../config/load-settings.ts'
import { RUNTIME_SETTINGS } from '../../config/runtime-settings.ts'
import type { Setting } from '../../config/setting.ts'
import type { LoadedFunction } from '../../model/define.ts'
import type { AnyDomain } from '../../model/domain.ts'
import { RUNTIME_NAMESPACE } from '../../queue/handled-events.ts'
import { JOBS } from '../../worker/job-list.ts'
import { DEFAULT_CONCURRENCY } from '../../worker/job-runner.ts'

/** Ports every unit listens on (the runtime's PORT, GRPC_PORT and METRICS_PORT). */
export const PORTS = { http: 8080, grpc: 50051, metrics: 9464 } as const

/** The handler time assumed for a consumer that declares none (`expectedHandlerMs`). */
export const DEFAULT_HANDLER_MS = 100
/** At most this many prefetch windows of backlog per replica, however quick the handler. */
export const MAX_PREFETCH_WINDOWS = 10
/** The preStop pause of a unit with a Service, so endpoints are removed before SIGTERM. */
export const PRE_STOP_SECONDS = 5
/** Beyond the runtime's own bound on a graceful stop, before Kubernetes kills the process. */
export const GRACE_MARGIN_SECONDS = 5

export type Discovery = 'dns' | 'consul'

export interface PlanOptions {
  /** Kubernetes namespace (default `oms`). */
  namespace?: string
  /** The image built from the Dockerfile (default `oms-functions:latest`). */
  image?: string
  /** How processes find each other: Kubernetes DNS (default) or Consul. */
  discovery?: Discovery
  /** With Consul: the agent's address (default `consul:8500`). */
  consulAddr?: string
  /** The Secret the pods and KEDA read secret settings from (default `oms-secrets`). */
  secretName?: string
  /** PUBLIC_URL (default: the environment's). */
  publicUrl?: string
  /** Replicas at most, per unit (default 10). */
  maxReplicas?: number
  /** Replicas at least of a serving unit (default 1). */
  minServingReplicas?: number
  /** Replicas at least of a worker (default 0: its job and intake backlogs wake it). */
  minWorkerReplicas?: number
  /** Seconds a replica should take to work through the backlog it is given (default 10). */
  drainWindowSeconds?: number
  /** KEDA's pollingInterval, seconds (default 10). */
  pollingIntervalSeconds?: number
  /** KEDA's cooldownPeriod before scaling to zero, and the HPA's scale-down window (default 60). */
  cooldownSeconds?: number
  /** Average CPU utilisation a serving unit's HPA aims at, percent of requests (default 70). */
  cpuTargetPercent?: number
}

export type ResolvedOptions = Required<Omit<PlanOptions, 'publicUrl'>> & { publicUrl?: string }

export const DEFAULTS: ResolvedOptions = {
  namespace: 'oms',
  image: 'oms-functions:latest',
  discovery: 'dns',
  consulAddr: 'consul:8500',
  secretName: 'oms-secrets',
  maxReplicas: 10,
  minServingReplicas: 1,
  minWorkerReplicas: 0,
  drainWindowSeconds: 10,
  pollingIntervalSeconds: 10,
  cooldownSeconds: 60,
  cpuTargetPercent: 70,
}

/** A serving unit scales on CPU with a floor; one without servers runs one replica. */
export type ServingScaling =
  | { kind: 'cpu'; minReplicas: number; maxReplicas: number; cpuPercent: number }
  | { kind: 'fixed'; replicas: number }

/** A queue trigger: scale on the queue's messages, ready and unacknowledged. */
export interface QueueTrigger {
  /** The broker queue's name (AMQP_NAMESPACE.<function>). */
  queue: string
  /** Messages per replica (KEDA's `value`). */
  targetPerReplica: number
  prefetch: number
  handlerMs: number
}

export interface ConsumerScaling {
  kind: 'queue'
  minReplicas: 0
  maxReplicas: number
  queue: QueueTrigger
}

export interface WorkerScaling {
  kind: 'jobs'
  minReplicas: number
  maxReplicas: number
  /** Jobs not done of the worker, in the runtime's job collection. */
  jobs: {
    database: string
    collection: string
    query: Record<string, unknown>
    /** Jobs per replica: what one replica runs at once. */
    targetPerReplica: number
  }
  /** The worker's intake queue (events not yet taken into its job list). */
  queue: QueueTrigger
}

interface UnitBase {
  /** Name of every object of the unit: a DNS-1123 label. */
  name: string
  domain: string
  functions: readonly LoadedFunction[]
  /** The bundle the container runs, relative to the image's working directory. */
  bundle: string
  /** Secret settings the unit's pods read, by variable name. */
  secrets: readonly SecretRef[]
}

export interface ServingUnit extends UnitBase {
  kind: 'serving'
  http: boolean
  grpc: boolean
  scaling: ServingScaling
}

export interface ConsumerUnit extends UnitBase {
  kind: 'consumer'
  scaling: ConsumerScaling
}

export interface WorkerUnit extends UnitBase {
  kind: 'worker'
  scaling: WorkerScaling
}

export type Unit = ServingUnit | ConsumerUnit | WorkerUnit

export interface SecretRef {
  /** The variable, and the key of the Secret holding its value. */
  key: string
  /** Pods do not start without it. */
  required: boolean
  /** Why it is needed, for the operator. */
  why: string
}

export interface Plan {
  options: ResolvedOptions
  units: Unit[]
  /** The ConfigMap's data: non-secret settings every pod reads. */
  config: Record<string, string>
  /** Every key the Secret should hold (the pods' and KEDA's). */
  secretKeys: SecretRef[]
  /** SHUTDOWN_GRACE_MS as the pods run with it (their termination grace follows it). */
  shutdownGraceMs: number
  /** Things the operator should know (a default that will not do in a cluster, …). */
  notes: string[]
}

/** Key of the Secret holding the RabbitMQ management API's URL (KEDA reads it, pods do not). */
export const MANAGEMENT_URL_KEY = 'RABBITMQ_MANAGEMENT_URL'

const R = RUNTIME_SETTINGS

/**
 * Runtime settings the renderer sets itself or that have no place in a cluster: ports (fixed,
 * tied to the probes), discovery, file-backed embedded state, development switches, log format,
 * and mutual TLS (its PEM files would have to be mounted; not rendered).
 */
const PLATFORM: ReadonlySet<string> = new Set(
  [
    R.port,
    R.host,
    R.grpcPort,
    R.advertiseHost,
    R.metricsPort,
    R.consulAddr,
    R.addresses,
    R.storeFile,
    R.busFile,
    R.opsLoopback,
    R.dashboard,
    R.insecureInternal,
    R.logFormat,
    R.tlsCa,
    R.tlsCert,
    R.tlsKey,
  ].map((s) => s.env),
)

/** Settings whose value carries credentials though not declared secret (a broker URL's password). */
const CREDENTIAL_URLS: ReadonlySet<string> = new Set([R.amqpUrl.env])

/** Shared by every pod and needed for a multi-process deployment at all. */
const REQUIRED: Readonly<Record<string, string>> = {
  [R.amqpUrl.env]:
    'RabbitMQ: without it each pod would run its own in-process bus, and KEDA scales on its queues',
  [R.mongodbUri.env]:
    'MongoDB: without it each pod would keep its own in-memory store; KEDA counts worker jobs in it',
  [R.internalToken.env]:
    'authenticates calls between pods (reachable processes refuse to start without it)',
}

/** A DNS-1123 label of at most `max` characters (KEDA prefixes its HPA's name with `keda-hpa-`). */
export function k8sName(name: string, max = 54): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
  if (clean.length <= max) return clean
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${clean.slice(0, max - 9).replace(/-+$/, '')}-${hash}`
}

/**
 * The backlog one replica of a queue consumer is given (KEDA's `value`, messages ready plus
 * unacknowledged): a replica works `prefetch` messages at once, each in about `handlerMs`, so
 * within the drain window W it works through prefetch × W / handlerMs of them. The target is
 * prefetch × ⌈W / handlerMs⌉, at least one prefetch window and at most MAX_PREFETCH_WINDOWS
 * of them (a quick handler's backlog still spreads before it gets deep).
 */
export function queueTarget(prefetch: number, handlerMs: number, drainWindowSeconds: number) {
  const windows = Math.ceil((drainWindowSeconds * 1000) / handlerMs)
  return prefetch * Math.min(MAX_PREFETCH_WINDOWS, Math.max(1, windows))
}

/** What the runtime waits for on SIGTERM, the preStop pause and a margin (seconds). */
export function terminationGraceSeconds(preStop: boolean, shutdownGraceMs: number): number {
  return (
    (preStop ? PRE_STOP_SECONDS : 0) +
    Math.ceil(stopBoundMs(shutdownGraceMs) / 1000) +
    GRACE_MARGIN_SECONDS
  )
}

const SERVING_KINDS: ReadonlySet<string> = new Set(['http', 'grpc', 'schedule'])

/** Does a process of these functions connect a store (as runtime/host.ts decides)? */
function keepsData(functions: readonly LoadedFunction[]): boolean {
  return functions.some(
    (fn) =>
      fn.def.domain.spec.data !== undefined ||
      fn.def.kind === 'consumer' ||
      fn.def.kind === 'worker',
  )
}

/** The units of the catalog, their scaling and configuration; `env` gives settings' values. */
export function planDeployment(
  functions: readonly LoadedFunction[],
  domains: readonly AnyDomain[],
  env: Env,
  options: PlanOptions = {},
): Plan {
  const o: ResolvedOptions = { ...DEFAULTS, ...stripUndefined(options) }
  // Validates every value the cluster would run with (a bad one would stop every pod).
  const configuration = loadConfiguration(domains, env)
  const config = configuration.runtime
  const names = topology(config.amqpNamespace)
  const notes: string[] = []

  // Which secret settings exist, who reads them, which are required.
  const described = describeSettings(domains)
  const secretSettings = described.filter(
    ({ setting }) =>
      (setting.secret || CREDENTIAL_URLS.has(setting.env)) && !PLATFORM.has(setting.env),
  )
  const secretRef = (setting: Setting): SecretRef => {
    const required = setting.env in REQUIRED || setting.generated
    const why =
      REQUIRED[setting.env] ??
      (setting.generated
        ? `${setting.whenSet}; required: unset, each pod would make its own`
        : setting.whenSet)
    return { key: setting.env, required, why }
  }
  const secretsFor = (domain: string, unitFunctions: readonly LoadedFunction[], http: boolean) =>
    secretSettings
      .filter(({ setting, owners }) => {
        if (owners.includes(domain)) return true
        if (!owners.includes('runtime')) return false
        if (setting.env === R.mongodbUri.env) return keepsData(unitFunctions)
        // Operator routes and /metrics on the HTTP port are what the runtime reads it for.
        if (setting.env === R.adminToken.env) return http
        return true
      })
      .map(({ setting }) => secretRef(setting))

  const mongoUri = env[R.mongodbUri.env]
  const database = mongoUri ? dbNameOf(mongoUri) : DEFAULT_DB_NAME
  const queueTrigger = (fn: LoadedFunction, prefetch: number, handlerMs: number) => ({
    queue: names.queue(fn.name),
    prefetch,
    handlerMs,
    targetPerReplica: queueTarget(prefetch, handlerMs, o.drainWindowSeconds),
  })

  const units: Unit[] = []
  const byDomain = new Map<string, LoadedFunction[]>()
  for (const fn of functions) byDomain.set(fn.domain, [...(byDomain.get(fn.domain) ?? []), fn])
  for (const [domain, all] of [...byDomain].sort(([a], [b]) => a.localeCompare(b))) {
    const serving = all.filter((fn) => SERVING_KINDS.has(fn.def.kind))
    if (serving.length > 0) {
      const http = serving.some((fn) => fn.def.kind === 'http')
      const grpc = serving.some((fn) => fn.def.kind === 'grpc')
      units.push({
        kind: 'serving',
        name: k8sName(domain),
        domain,
        functions: serving,
        bundle: `dist/serve/${domain}.mjs`,
        http,
        grpc,
        secrets: secretsFor(domain, serving, http),
        scaling:
          http || grpc
            ? {
                kind: 'cpu',
                minReplicas: Math.max(1, o.minServingReplicas),
                maxReplicas: Math.max(o.maxReplicas, o.minServingReplicas, 1),
                cpuPercent: o.cpuTargetPercent,
              }
            : // Scheduled functions alone: they run in every replica, so more buy nothing.
              { kind: 'fixed', replicas: 1 },
      })
    }
    for (const fn of all) {
      const def = fn.def
      const name = k8sName(serviceNameOf(fn.name))
      const base = {
        name,
        domain,
        functions: [fn],
        bundle: `dist/${fn.name}.mjs`,
        secrets: secretsFor(domain, [fn], false),
      }
      switch (def.kind) {
        case 'http':
        case 'grpc':
        case 'schedule':
          break
        case 'consumer': {
          const prefetch = def.options.prefetch ?? config.prefetch
          const handlerMs = def.options.expectedHandlerMs ?? DEFAULT_HANDLER_MS
          units.push({
            ...base,
            kind: 'consumer',
            scaling: {
              kind: 'queue',
              minReplicas: 0,
              maxReplicas: Math.max(1, o.maxReplicas),
              queue: queueTrigger(fn, prefetch, handlerMs),
            },
          })
          break
        }
        case 'worker': {
          const settings = configuration.domains.get(domain) ?? {}
          const configured = def.options.concurrency ?? DEFAULT_CONCURRENCY
          const concurrency =
            typeof configured === 'function' ? configured(settings as never) : configured
          units.push({
            ...base,
            kind: 'worker',
            scaling: {
              kind: 'jobs',
              minReplicas: o.minWorkerReplicas,
              maxReplicas: Math.max(1, o.maxReplicas, o.minWorkerReplicas),
              jobs: {
                database,
                collection: collectionName(RUNTIME_NAMESPACE, JOBS.name),
                // The worker's jobs that are queued (due or waiting out a retry) or running.
                query: { queue: fn.name, state: { $in: ['queued', 'running'] } },
                targetPerReplica: Math.max(1, concurrency),
              },
              // The intake only writes each event to the job list: a quick handler.
              queue: queueTrigger(fn, config.prefetch, DEFAULT_HANDLER_MS),
            },
          })
          break
        }
        default:
          throw new Error(`${fn.name}: no Kubernetes unit for its kind`)
      }
    }
  }
  // Names are unique: a unit's objects, and a serving unit's headless Service.
  const seen = new Map<string, string>()
  for (const u of units) {
    for (const object of u.kind === 'serving' ? [u.name, `${u.name}-grpc`] : [u.name]) {
      const earlier = seen.get(object)
      if (earlier)
        throw new Error(`${earlier} and ${u.domain}'s ${u.kind} unit are both named ${object}`)
      seen.set(object, `${u.domain}'s ${u.kind} unit`)
    }
  }

  // The ConfigMap: what the renderer decides, then every non-secret setting set here.
  const data: Record<string, string> = {
    [R.amqpNamespace.env]: config.amqpNamespace,
    [R.logFormat.env]: 'json',
  }
  if (o.discovery === 'consul') data[R.consulAddr.env] = o.consulAddr
  else data[R.addresses.env] = dnsAddresses(units)
  const publicUrl = o.publicUrl ?? env[R.publicUrl.env]
  if (publicUrl) data[R.publicUrl.env] = publicUrl
  else
    notes.push(
      `${R.publicUrl.env} is not set: links handed out (payment links, redirects) would point at localhost; pass --public-url`,
    )
  // KEDA needs the database by name; the pods take it from the Secret's URI.
  if (!mongoUri && units.some((u) => u.kind === 'worker'))
    notes.push(
      `${R.mongodbUri.env} is not set: each worker's ScaledObject counts its jobs in database ${database}; if the Secret's ${R.mongodbUri.env} names another, render with ${R.mongodbUri.env} set (only its database name is rendered)`,
    )
  for (const { setting } of described) {
    const raw = env[setting.env]
    if (raw === undefined || raw === '' || setting.env in data) continue
    if (setting.secret || CREDENTIAL_URLS.has(setting.env) || PLATFORM.has(setting.env)) continue
    data[setting.env] = raw
  }
  for (const { setting } of described)
    if (setting.generated && !setting.secret && !(setting.env in data))
      notes.push(`${setting.env} is not set: each pod would make its own value`)

  const secretKeys = new Map<string, SecretRef>()
  for (const u of units) for (const s of u.secrets) secretKeys.set(s.key, s)
  if (units.some((u) => u.kind !== 'serving'))
    secretKeys.set(MANAGEMENT_URL_KEY, {
      key: MANAGEMENT_URL_KEY,
      required: true,
      why: "RabbitMQ's management API, e.g. http://user:password@rabbitmq:15672/%2F (the path is the vhost): KEDA counts each queue's ready and unacknowledged messages through it",
    })
  return {
    options: o,
    units,
    config: data,
    secretKeys: [...secretKeys.values()].sort((a, b) => a.key.localeCompare(b.key)),
    shutdownGraceMs: config.shutdownGraceMs,
    notes,
  }
}

/**
 * OMS_ADDRESSES naming each peer at its unit's Service: every domain serving gRPC at its
 * headless Service (`<unit>-grpc`, one DNS record per ready pod, balanced per call by the gRPC
 * client), every HTTP function at its unit's Service (a forward's target).
 */
export function dnsAddresses(units: readonly Unit[]): string {
  const entries: string[] = []
  for (const u of units) {
    if (u.kind !== 'serving') continue
    if (u.grpc) entries.push(`${u.domain}=${u.name}-grpc:${PORTS.grpc}`)
    for (const fn of u.functions)
      if (fn.def.kind === 'http') entries.push(`${fn.name}=${u.name}:${PORTS.http}`)
  }
  return entries.join(',')
}

/** Does a selector (a domain or a function, as elsewhere in the CLI) pick the unit? */
export function unitMatches(unit: Unit, selectors: readonly string[]): boolean {
  if (selectors.length === 0) return true
  return selectors.some((raw) => {
    const s = raw.replace('/', '.')
    return s === unit.domain || unit.functions.some((fn) => fn.name === s)
  })
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
