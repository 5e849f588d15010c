/** GET /healthz: 200 when the process and the adapters it depends on answer, 503 otherwise. */
import { Hono } from 'hono'
import type { Bus } from '../ports/bus.ts'
import type { DocumentStore } from '../ports/documents.ts'

export const HEALTH_PATH = '/healthz'

/** How long one dependency check may take before it counts as down. */
export const HEALTH_TIMEOUT_MS = 2000

async function probe(check: () => Promise<{ ok: boolean; detail?: string } | undefined>) {
  try {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
        HEALTH_TIMEOUT_MS,
      ).unref(),
    )
    const result = await Promise.race([check(), timeout])
    return { ok: result?.ok ?? true, ...(result?.detail && { detail: result.detail }) }
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) }
  }
}

/** What GET /healthz answers: 200 with every check ok, 503 otherwise, and the checks. */
export async function checkHealth(deps: { store: DocumentStore; bus: Bus }): Promise<{
  status: 200 | 503
  body: { status: 'ok' | 'unavailable'; checks: Record<string, unknown> }
}> {
  const [store, bus] = await Promise.all([
    probe(async () => {
      await deps.store.ping()
      return undefined
    }),
    probe(() => deps.bus.health()),
  ])
  const ok = store.ok && bus.ok
  return {
    status: ok ? 200 : 503,
    body: {
      status: ok ? 'ok' : 'unavailable',
      checks: {
        // A process that keeps no data has no store to check.
        ...(deps.store.kind !== 'none' && { store: { kind: deps.store.kind, ...store } }),
        bus: { kind: deps.bus.kind, ...bus },
      },
    },
  }
}

export function healthRoute(deps: { store: DocumentStore; bus: Bus }): Hono {
  return new Hono().get(HEALTH_PATH, async (c) => {
    const { status, body } = await checkHealth(deps)
    return c.json(body, status)
  })
}
