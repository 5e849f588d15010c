/**
 * `oms deploy k8s`: Kubernetes manifests for the catalog (see runtime/deploy/k8s). The
 * renderer and cdk8s load only when the command runs.
 */
import { resolve } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { checkSelectors } from '../select.ts'

const count = (min: number) => (value: string) => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number ≥ ${min}`)
  return n
}

const discovery = (value: string) => {
  if (value !== 'dns' && value !== 'consul') throw new InvalidArgumentError('dns or consul')
  return value
}

interface K8sOpts {
  out: string
  stdout?: boolean
  namespace: string
  image: string
  discovery: 'dns' | 'consul'
  consulAddr: string
  secret: string
  publicUrl?: string
  maxReplicas: number
  minReplicas: number
  workerMinReplicas: number
  drainWindow: number
  pollingInterval: number
  cooldown: number
}

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('render deployment manifests')
  deploy
    .command('k8s')
    .description(
      'Kubernetes manifests from the catalog: a Deployment per unit, scaled by an HPA or KEDA',
    )
    .argument('[selectors...]', 'functions or domains whose units to render (default: all)')
    .option('--out <dir>', 'folder to write the YAML files to', 'deploy/k8s')
    .option('--stdout', 'print every object as one YAML stream instead of writing files')
    .option('--namespace <name>', 'Kubernetes namespace', 'oms')
    .option('--image <image>', 'the image built from the Dockerfile', 'oms-functions:latest')
    .option('--discovery <dns|consul>', 'how processes find each other', discovery, 'dns')
    .option('--consul-addr <host:port>', 'with --discovery consul: the agent', 'consul:8500')
    .option('--secret <name>', 'the Secret holding the secret settings', 'oms-secrets')
    .option('--public-url <url>', 'PUBLIC_URL, the base of links handed out (default: $PUBLIC_URL)')
    .option('--max-replicas <n>', 'replicas at most, per unit', count(1), 10)
    .option('--min-replicas <n>', 'replicas at least of an HTTP/gRPC unit', count(1), 1)
    .option('--worker-min-replicas <n>', 'replicas at least of a worker', count(0), 0)
    .option(
      '--drain-window <s>',
      'seconds a consumer replica should take to work through its share of a backlog',
      count(1),
      10,
    )
    .option('--polling-interval <s>', "KEDA's pollingInterval", count(1), 10)
    .option('--cooldown <s>', "KEDA's cooldownPeriod before scaling to zero", count(0), 60)
    .addHelpText(
      'after',
      `
Units: per domain one Deployment of its HTTP, gRPC and scheduled functions
(dist/serve/<domain>.mjs) with a Service, an HPA on CPU and a PodDisruptionBudget; per consumer
function one Deployment (dist/<domain>.<function>.mjs) scaled 0-N by a KEDA ScaledObject on its
queue; per worker one scaled on its jobs not done and its intake queue. Settings set in this
environment go into a ConfigMap (non-secret ones only); secret ones are read from a Secret you
create (the command prints how). Files: 00-namespace.yaml, 01-config.yaml, <unit>.yaml.

Examples:
  $ oms build && docker build -t oms-functions:latest .
  $ PUBLIC_URL=https://shop.example.com oms deploy k8s
  $ oms deploy k8s --discovery consul --consul-addr consul.consul:8500
  $ oms deploy k8s <domain> --stdout | kubectl apply -f -`,
    )
    .action(async (selectors: string[], opts: K8sOpts) => {
      await checkSelectors(selectors)
      const { renderK8s, writeK8s, k8sStream, formatSummary } = await import(
        '../../deploy/k8s/deploy-k8s.ts'
      )
      const rendered = await renderK8s({
        selectors,
        namespace: opts.namespace,
        image: opts.image,
        discovery: opts.discovery,
        consulAddr: opts.consulAddr,
        secretName: opts.secret,
        publicUrl: opts.publicUrl,
        maxReplicas: opts.maxReplicas,
        minServingReplicas: opts.minReplicas,
        minWorkerReplicas: opts.workerMinReplicas,
        drainWindowSeconds: opts.drainWindow,
        pollingIntervalSeconds: opts.pollingInterval,
        cooldownSeconds: opts.cooldown,
      })
      if (opts.stdout) {
        process.stdout.write(k8sStream(rendered))
        process.stderr.write(formatSummary(rendered))
        return
      }
      await writeK8s(rendered, resolve(opts.out))
      process.stdout.write(formatSummary(rendered, opts.out))
    })
}
