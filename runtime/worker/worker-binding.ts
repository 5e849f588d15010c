/**
 * The worker binding: each worker function fed by its topic into its durable job list and run
 * by a job runner. `oms invoke` runs one job through the same code as the runner.
 */
import { randomUUID } from 'node:crypto'
import { type Binding, type BindingDeps, type Hosted, hostedNamed } from '../model/binding.ts'
import type { WorkerFunction } from '../model/define.ts'
import { type JobRunner, startJobRunner } from './job-runner.ts'
import { runJob, wrapPayload } from './run-job.ts'

export function prepareWorkers(
  hosted: readonly Hosted<WorkerFunction>[],
  deps: BindingDeps,
): Binding {
  const runners: JobRunner[] = []
  return {
    async start() {
      for (const h of hosted) runners.push(await startJobRunner(h, deps))
    },
    async stop() {
      await Promise.allSettled(runners.splice(0).map((r) => r.stop()))
    },
    async invoke(name, input) {
      const h = hostedNamed(hosted, name)
      const job = {
        id: `invoke-${randomUUID()}`,
        payload: wrapPayload(JSON.stringify(input), {}),
        attempts: 1,
      }
      await runJob(h, job, new AbortController().signal)
      return { ok: true }
    },
  }
}
