/** A process provisions what the domains it hosts declare: no data, no store connection. */
import { describe, expect, it } from 'vitest'
import { loadFunctions } from './catalog.ts'
import { createRuntime } from './host.ts'
import { createLogger } from './log.ts'

const log = createLogger('silent')
const unreachable = { LOG_LEVEL: 'silent', MONGODB_URI: 'mongodb://127.0.0.1:9/oms' }

describe('createRuntime', () => {
  it('connects no store for functions that keep no data, and /healthz checks none', async () => {
    const functions = (await loadFunctions(['gateway'])).filter((f) => f.def.kind === 'http')
    const runtime = await createRuntime({ functions, env: unreachable, log, listen: false })
    try {
      expect(runtime.adapters.store.kind).toBe('none')
      const res = await runtime.app.request('/healthz')
      expect(res.status).toBe(200)
      expect(((await res.json()) as { checks: object }).checks).not.toHaveProperty('store')
    } finally {
      await runtime.stop()
    }
  })

  it('connects the store for a domain that keeps data, failing with a message naming MONGODB_URI', async () => {
    const functions = await loadFunctions(['menu'])
    await expect(
      createRuntime({
        functions,
        env: {
          ...unreachable,
          MONGODB_URI: `${unreachable.MONGODB_URI}?serverSelectionTimeoutMS=200`,
        },
        log,
        listen: false,
      }),
    ).rejects.toThrow(/^MONGODB_URI: cannot use MongoDB/)
  }, 15_000)
})
