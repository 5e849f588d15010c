/**
 * Runs the incremental type check (type-checker.ts) in a worker thread: checks are queued and
 * answered in order; the first one checks the whole project, later ones what changed.
 */
import { Worker } from 'node:worker_threads'
import type { SourceError } from './source-error.ts'

export interface TypeCheck {
  check(changed: readonly string[]): Promise<{ errors: SourceError[]; ms: number }>
  close(): Promise<void>
}

/** Errors in files matching `skip` (tests, by default) do not stop a reload. */
export function startTypeCheck(
  root: string,
  skip = /\.test\.ts$|[/\\](test|bench|scripts)[/\\]/,
): TypeCheck {
  // The worker runs TypeScript sources, through the same loader as this process.
  const loader = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./type-check-worker.ts', import.meta.url).href
  const worker = new Worker(
    `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}) })`,
    { eval: true, workerData: { root, skip: skip.source } },
  )
  worker.unref()
  let next = 0
  const pending = new Map<
    number,
    { resolve: (v: { errors: SourceError[]; ms: number }) => void; reject: (e: Error) => void }
  >()
  worker.on(
    'message',
    (m: { id: number; errors?: SourceError[]; ms?: number; failure?: string }) => {
      const waiting = pending.get(m.id)
      pending.delete(m.id)
      if (m.failure !== undefined) waiting?.reject(new Error(m.failure))
      else waiting?.resolve({ errors: m.errors ?? [], ms: m.ms ?? 0 })
    },
  )
  worker.on('error', (err) => {
    for (const waiting of pending.values()) waiting.reject(err)
    pending.clear()
  })
  return {
    check(changed) {
      const id = ++next
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        worker.postMessage({ id, changed: [...changed] })
      })
    },
    async close() {
      await worker.terminate()
    },
  }
}
