/**
 * Kubernetes objects of a deployment plan (plan.ts), made with cdk8s: the typed Kubernetes
 * classes of cdk8s-plus-33 (`k8s.Kube*`) and KEDA's, generated from its CRDs
 * (imports/keda.ts). One chart per file: the Namespace, the shared configuration (ConfigMap,
 * KEDA's TriggerAuthentications), and one per unit (its Deployment, and as it needs them its
 * Services, HorizontalPodAutoscaler or ScaledObject, and PodDisruptionBudget).
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { App, Chart, Yaml } from 'cdk8s'
import { k8s } from 'cdk8s-plus-33'
import {
  ScaledObject,
  type ScaledObjectSpecTriggers,
  TriggerAuthentication,
} from './imports/keda.ts'
import {
  MANAGEMENT_URL_KEY,
  type Plan,
  PORTS,
  PRE_STOP_SECONDS,
  type QueueTrigger,
  terminationGraceSeconds,
  type Unit,
} from './plan.ts'

/** Names of the shared objects. */
export const CONFIG_MAP = 'oms-config'
export const RABBITMQ_AUTH = 'oms-rabbitmq'
export const MONGODB_AUTH = 'oms-mongodb'

/** Labels every object carries; `oms/unit` alone selects a unit's pods. */
export const PART_OF = { 'app.kubernetes.io/part-of': 'oms', 'app.kubernetes.io/managed-by': 'oms' }
export const UNIT_LABEL = 'oms/unit'

/** Requests and limits per kind of unit (bench 7: 115–200 MiB at peak under load). */
export const RESOURCES: Record<Unit['kind'], { requests: Res; limits: Res }> = {
  serving: { requests: { cpu: '100m', memory: '160Mi' }, limits: { cpu: '1', memory: '384Mi' } },
  consumer: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  worker: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
}
interface Res {
  cpu: string
  memory: string
}

export interface RenderedFile {
  /** File name under the output folder. */
  file: string
  /** The unit it deploys (none: the namespace or the shared configuration). */
  unit?: Unit
  /** The objects, as Kubernetes JSON. */
  objects: Record<string, unknown>[]
}

const HEADER =
  '# Rendered by `oms deploy k8s` from the function catalog; render again rather than edit.\n'

/** Every object of the plan, per file; `units` picks which units (default all). */
export function renderPlan(plan: Plan, units: readonly Unit[] = plan.units): RenderedFile[] {
  const app = new App()
  const { namespace } = plan.options
  const files: { file: string; unit?: Unit; chart: Chart }[] = []

  const nsChart = new Chart(app, 'namespace', { labels: PART_OF })
  new k8s.KubeNamespace(nsChart, 'namespace', { metadata: { name: namespace } })
  files.push({ file: '00-namespace.yaml', chart: nsChart })

  const shared = new Chart(app, 'config', { namespace, labels: PART_OF })
  new k8s.KubeConfigMap(shared, 'config', { metadata: { name: CONFIG_MAP }, data: plan.config })
  const scaled = units.filter((u) => u.kind !== 'serving')
  if (scaled.length > 0)
    new TriggerAuthentication(shared, 'rabbitmq', {
      metadata: { name: RABBITMQ_AUTH },
      spec: {
        secretTargetRef: [
          { parameter: 'host', name: plan.options.secretName, key: MANAGEMENT_URL_KEY },
        ],
      },
    })
  if (scaled.some((u) => u.kind === 'worker'))
    new TriggerAuthentication(shared, 'mongodb', {
      metadata: { name: MONGODB_AUTH },
      spec: {
        secretTargetRef: [
          { parameter: 'connectionString', name: plan.options.secretName, key: 'MONGODB_URI' },
        ],
      },
    })
  files.push({ file: '01-config.yaml', chart: shared })

  // Pods roll when the configuration changes.
  const configHash = createHash('sha256')
    .update(JSON.stringify(plan.config))
    .digest('hex')
    .slice(0, 16)
  for (const unit of units) {
    const chart = new Chart(app, unit.name, {
      namespace,
      labels: { ...PART_OF, 'app.kubernetes.io/name': unit.name, 'oms/kind': unit.kind },
    })
    unitObjects(chart, plan, unit, configHash)
    files.push({ file: `${unit.name}.yaml`, unit, chart })
  }
  return files.map(({ file, unit, chart }) => ({
    file,
    ...(unit && { unit }),
    objects: chart.toJson() as Record<string, unknown>[],
  }))
}

function unitObjects(chart: Chart, plan: Plan, unit: Unit, configHash: string): void {
  const o = plan.options
  const selector = { [UNIT_LABEL]: unit.name }
  const serves = unit.kind === 'serving' && (unit.http || unit.grpc)
  const http = unit.kind === 'serving' && unit.http
  // Every process but an HTTP-only one serves gRPC (its methods, or health alone).
  const grpc = !(unit.kind === 'serving' && unit.http && !unit.grpc)
  const port = (name: string) => k8s.IntOrString.fromString(name)

  const env: k8s.EnvVar[] = [
    { name: 'PORT', value: String(PORTS.http) },
    { name: 'GRPC_PORT', value: String(PORTS.grpc) },
    { name: 'METRICS_PORT', value: String(PORTS.metrics) },
    ...(o.discovery === 'consul'
      ? [{ name: 'ADVERTISE_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]
      : []),
    ...unit.secrets.map((s) => ({
      name: s.key,
      valueFrom: { secretKeyRef: { name: o.secretName, key: s.key, optional: !s.required } },
    })),
  ]
  // HTTP units answer /healthz (their store and broker too: not ready while they are away;
  // restarted only after a minute of failures); the others the gRPC health protocol.
  const check: Pick<k8s.Probe, 'httpGet' | 'grpc'> = http
    ? { httpGet: { path: '/healthz', port: port('http') } }
    : { grpc: { port: PORTS.grpc } }
  const res = RESOURCES[unit.kind]
  const quantities = (r: Res) => ({
    cpu: k8s.Quantity.fromString(r.cpu),
    memory: k8s.Quantity.fromString(r.memory),
  })
  const container: k8s.Container = {
    name: 'oms',
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    args: [unit.bundle],
    ports: [
      ...(http ? [{ name: 'http', containerPort: PORTS.http }] : []),
      ...(grpc ? [{ name: 'grpc', containerPort: PORTS.grpc }] : []),
      { name: 'metrics', containerPort: PORTS.metrics },
    ],
    envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
    env,
    resources: { requests: quantities(res.requests), limits: quantities(res.limits) },
    readinessProbe: { ...check, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
    livenessProbe: {
      ...check,
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 6,
    },
    // A unit behind a Service waits for its endpoints to be removed before SIGTERM.
    ...(serves && { lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } } }),
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  }
  new k8s.KubeDeployment(chart, 'deployment', {
    metadata: {
      name: unit.name,
      annotations: {
        'oms/functions': unit.functions.map((f) => f.name).join(','),
        'oms/bundle': unit.bundle,
      },
    },
    spec: {
      // No replicas: the HPA or KEDA owns them (a fixed unit runs the default one).
      selector: { matchLabels: selector },
      revisionHistoryLimit: 3,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: {
          maxSurge: k8s.IntOrString.fromString('25%'),
          maxUnavailable: k8s.IntOrString.fromNumber(0),
        },
      },
      template: {
        metadata: {
          labels: {
            ...PART_OF,
            'app.kubernetes.io/name': unit.name,
            'oms/kind': unit.kind,
            'oms/domain': unit.domain,
            ...selector,
          },
          annotations: {
            'oms/config-hash': configHash,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(PORTS.metrics),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          containers: [container],
          terminationGracePeriodSeconds: terminationGraceSeconds(serves, plan.shutdownGraceMs),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            // The image's `node` user.
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
            },
          ],
        },
      },
    },
  })

  const scaleTargetRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: unit.name }
  let maxReplicas = 1
  if (unit.kind === 'serving') {
    if (serves) {
      new k8s.KubeService(chart, 'service', {
        metadata: { name: unit.name },
        spec: {
          type: 'ClusterIP',
          selector,
          ports: [
            ...(unit.http
              ? [{ name: 'http', port: PORTS.http, targetPort: port('http'), appProtocol: 'http' }]
              : []),
            ...(unit.grpc
              ? [{ name: 'grpc', port: PORTS.grpc, targetPort: port('grpc'), appProtocol: 'grpc' }]
              : []),
          ],
        },
      })
    }
    if (unit.grpc && o.discovery === 'dns')
      // One DNS record per ready pod: callers balance per call, not per connection.
      new k8s.KubeService(chart, 'peers', {
        metadata: { name: `${unit.name}-grpc` },
        spec: {
          clusterIp: 'None',
          selector,
          ports: [
            { name: 'grpc', port: PORTS.grpc, targetPort: port('grpc'), appProtocol: 'grpc' },
          ],
        },
      })
    if (unit.scaling.kind === 'cpu') {
      maxReplicas = unit.scaling.maxReplicas
      new k8s.KubeHorizontalPodAutoscalerV2(chart, 'hpa', {
        metadata: { name: unit.name },
        spec: {
          scaleTargetRef,
          minReplicas: unit.scaling.minReplicas,
          maxReplicas: unit.scaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: unit.scaling.cpuPercent },
              },
            },
          ],
        },
      })
    }
  } else {
    const s = unit.scaling
    maxReplicas = s.maxReplicas
    const triggers: ScaledObjectSpecTriggers[] = [queueTrigger(s.queue)]
    if (s.kind === 'jobs')
      triggers.unshift({
        type: 'mongodb',
        name: 'jobs',
        metadata: {
          dbName: s.jobs.database,
          collection: s.jobs.collection,
          query: JSON.stringify(s.jobs.query),
          queryValue: String(s.jobs.targetPerReplica),
          activationQueryValue: '0',
        },
        authenticationRef: { name: MONGODB_AUTH },
      })
    new ScaledObject(chart, 'scaler', {
      metadata: { name: unit.name },
      spec: {
        scaleTargetRef,
        minReplicaCount: s.minReplicas,
        maxReplicaCount: s.maxReplicas,
        pollingInterval: o.pollingIntervalSeconds,
        cooldownPeriod: o.cooldownSeconds,
        // The Deployment starts with one pod, which declares the queue; KEDA leaves it while the
        // queue is missing (its scaler errs) and scales to zero after this once it exists.
        initialCooldownPeriod: o.cooldownSeconds,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleDown: { stabilizationWindowSeconds: o.cooldownSeconds } },
          },
        },
        triggers,
      },
    })
  }
  if (maxReplicas > 1)
    new k8s.KubePodDisruptionBudget(chart, 'pdb', {
      metadata: { name: unit.name },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: selector },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    })
}

/**
 * The queue's messages, ready and unacknowledged (`protocol: http`, the management API; over
 * AMQP KEDA counts only ready ones and would scale a consumer to zero mid-work): active from
 * the first message, one replica per `targetPerReplica` of them.
 */
function queueTrigger(q: QueueTrigger): ScaledObjectSpecTriggers {
  return {
    type: 'rabbitmq',
    name: 'queue',
    metadata: {
      protocol: 'http',
      mode: 'QueueLength',
      queueName: q.queue,
      value: String(q.targetPerReplica),
      activationValue: '0',
    },
    authenticationRef: { name: RABBITMQ_AUTH },
  }
}

/** The files as YAML text (multi-document), each with a header line. */
export function toYaml(file: RenderedFile): string {
  return HEADER + Yaml.stringify(...file.objects)
}

/**
 * Writes the files into `outDir`. With `prune`, files an earlier render wrote there (they start
 * with the header) and this one did not are removed, so `kubectl apply -f` brings back no unit
 * the catalog no longer has.
 */
export async function writeRendered(
  files: readonly RenderedFile[],
  outDir: string,
  { prune = false }: { prune?: boolean } = {},
): Promise<void> {
  await mkdir(outDir, { recursive: true })
  const written = new Set(files.map((f) => f.file))
  if (prune)
    for (const name of await readdir(outDir)) {
      if (!name.endsWith('.yaml') || written.has(name)) continue
      const text = await readFile(join(outDir, name), 'utf8')
      if (text.startsWith(HEADER)) await rm(join(outDir, name))
    }
  for (const f of files) await writeFile(join(outDir, f.file), toYaml(f))
}
