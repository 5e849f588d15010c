/** The worker thread `oms dev` checks types in, so a check never holds up its builds and reloads. */
import { parentPort, workerData } from 'node:worker_threads'
import { createTypeChecker } from './type-checker.ts'

const { root, skip } = workerData as { root: string; skip: string }
const skipped = new RegExp(skip)
const checker = createTypeChecker(root, (file) => !skipped.test(file))
parentPort?.on('message', ({ id, changed }: { id: number; changed: string[] }) => {
  const started = performance.now()
  try {
    const errors = checker.check(changed)
    parentPort?.postMessage({ id, errors, ms: Math.round(performance.now() - started) })
  } catch (err) {
    parentPort?.postMessage({ id, failure: err instanceof Error ? err.message : String(err) })
  }
})
