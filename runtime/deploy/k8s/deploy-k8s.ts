/**
 * `oms deploy k8s`: the catalog's functions and their domains' declarations → a plan → cdk8s
 * charts → YAML files (one per unit, plus the namespace and the shared configuration), and a
 * summary of what each unit is and how it scales.
 */
import { domainsOf, loadFunctions } from '../../catalog.ts'
import { formatTable } from '../../cli/output.ts'
import type { Env } from '../../config/load-settings.ts'
import { type Plan, type PlanOptions, planDeployment, type Unit, unitMatches } from './plan.ts'
import { type RenderedFile, renderPlan, toYaml, writeRendered } from './render.ts'

export interface DeployK8sOptions extends PlanOptions {
  /** Functions or domains whose units are rendered (default: all). */
  selectors?: readonly string[]
  /** The settings' values (default: this process's environment). */
  env?: Env
  /** Where the catalog's functions are (default: functions/; tests add fixture domains). */
  dirs?: readonly string[]
}

export interface DeployK8s {
  plan: Plan
  /** The rendered units (all, or those the selectors pick). */
  units: Unit[]
  files: RenderedFile[]
}

/** Plans and renders; nothing written. Peers are planned whatever the selectors pick. */
export async function renderK8s({
  selectors = [],
  env = process.env,
  dirs,
  ...options
}: DeployK8sOptions = {}): Promise<DeployK8s> {
  const functions = (
    await Promise.all((dirs ?? [undefined]).map((dir) => loadFunctions([], dir)))
  ).flat()
  const plan = planDeployment(functions, domainsOf(functions), env, options)
  const units = plan.units.filter((u) => unitMatches(u, selectors))
  return { plan, units, files: renderPlan(plan, units) }
}

/** Writes the files into `outDir` (stale ones of an earlier full render removed). */
export async function writeK8s(rendered: DeployK8s, outDir: string): Promise<void> {
  await writeRendered(rendered.files, outDir, {
    prune: rendered.units.length === rendered.plan.units.length,
  })
}

/** All files as one multi-document YAML stream (for `kubectl apply -f -`). */
export function k8sStream(rendered: DeployK8s): string {
  return rendered.files.map(toYaml).join('---\n')
}

/** How a unit scales, in a few words. */
export function scalingOf(unit: Unit): string {
  const s = unit.scaling
  switch (s.kind) {
    case 'cpu':
      return `HPA: CPU ${s.cpuPercent}%, ${s.minReplicas}-${s.maxReplicas} replicas`
    case 'fixed':
      return `${s.replicas} replica`
    case 'queue':
      return `KEDA: ${s.queue.targetPerReplica} messages/replica on ${s.queue.queue}, ${s.minReplicas}-${s.maxReplicas}`
    case 'jobs':
      return `KEDA: ${s.jobs.targetPerReplica} jobs/replica, ${s.queue.targetPerReplica} messages/replica on ${s.queue.queue}, ${s.minReplicas}-${s.maxReplicas}`
  }
}

/** The summary table, the Secret to create and the commands to apply. */
export function formatSummary(rendered: DeployK8s, outDir?: string): string {
  const { plan, units, files } = rendered
  const rows = units.map((u) => [
    u.name,
    u.kind,
    u.functions.map((f) => f.name.slice(u.domain.length + 1)).join(', '),
    scalingOf(u),
  ])
  const ns = plan.options.namespace
  const required = plan.secretKeys.filter((k) => k.required)
  const optional = plan.secretKeys.filter((k) => !k.required)
  const secret = [
    `kubectl -n ${ns} create secret generic ${plan.options.secretName} \\`,
    ...required.map((k, i) => `  --from-literal=${k.key}=…${i < required.length - 1 ? ' \\' : ''}`),
  ]
  const lines = [
    formatTable(['UNIT', 'KIND', 'FUNCTIONS', 'SCALING'], rows),
    '',
    outDir
      ? `wrote ${files.length} files to ${outDir} (namespace ${ns}, image ${plan.options.image}, discovery ${plan.options.discovery})`
      : '',
    '',
    'Secret values are never rendered. Before applying, create the Secret the pods and KEDA read:',
    `  kubectl create namespace ${ns}`,
    ...secret.map((l) => `  ${l}`),
    ...(optional.length > 0
      ? [`  optional keys, for what you use: ${optional.map((k) => k.key).join(', ')}`]
      : []),
    ...(outDir ? [`then: kubectl apply -f ${outDir}`] : []),
    ...plan.notes.map((n) => `note: ${n}`),
  ]
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`
}
