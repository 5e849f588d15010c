/**
 * A clean stop under load, on the deployment users run: the six bundles on RabbitMQ and MongoDB
 * (FerretDB) take a steady stream of orders when every process gets SIGTERM at once. Each stops
 * its intake, drains what is in flight, gives up what is left at the end of its grace, and only
 * then closes its bus and store: it exits 0 within its grace, and logs no error (no "Cannot use a
 * session that has ended"). Started again, every order that was answered 201 is there, and gets
 * its payment link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, post, waitFor } from './fixtures.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'

const GRACE_MS = 1_000
/** Beyond the grace: giving up what is left (a second at most), the outbox's last round, closing. */
const CLOSING_MS = 3_000

const missing = await durableServersMissing('the shutdown-under-load test')

/** Error-level lines of a process: JSON log lines at error or fatal, and any stderr line saying "error". */
function errorLines(stdout: string, stderr: string): string[] {
  const logged = stdout.split('\n').filter((line) => {
    if (!line.startsWith('{')) return line.trim() !== ''
    try {
      const { level } = JSON.parse(line) as { level?: string }
      return level === 'error' || level === 'fatal'
    } catch {
      return true
    }
  })
  const said = stderr.split('\n').filter((line) => /error|session that has ended/i.test(line))
  return [...logged, ...said]
}

describe.skipIf(Boolean(missing))('every process stopped under a steady load of orders', () => {
  let durable: DurableSystem

  beforeAll(async () => {
    durable = await startDurableProcesses('shutdown_under_load', {
      ADMIN_TOKEN,
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    })
  }, 120_000)
  afterAll(() => durable?.stop())

  it('exits 0 within its grace, logs no error, and loses no accepted order', async () => {
    const { system } = durable
    const stocked = await fetch(`${system.url}/api/admin/stock/fries`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1_000_000 }),
    })
    expect(stocked.status).toBe(200)

    // Eight customers ordering one after the other, until told to stop.
    const accepted: { customerId: string; orderId: string }[] = []
    const statuses = new Map<string, number>()
    let ordering = true
    const customer = async (n: number) => {
      const customerId = `load-${n}`
      while (ordering) {
        try {
          const res = await fetch(
            `${system.url}/api/customers/${customerId}/orders`,
            post({ items: [{ id: 'fries', quantity: 1 }] }),
          )
          const body = (await res.json()) as { order?: { id: string } }
          statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1)
          if (res.status === 201 && body.order)
            accepted.push({ customerId, orderId: body.order.id })
        } catch {
          // The gateway has closed: try again until told to stop.
          statuses.set('refused', (statuses.get('refused') ?? 0) + 1)
          await new Promise((r) => setTimeout(r, 20))
        }
      }
    }
    const load = Promise.all(Array.from({ length: 8 }, (_, n) => customer(n)))
    await waitFor(async () => (accepted.length >= 50 ? true : undefined), {
      timeoutMs: 30_000,
      what: '50 orders placed',
    })

    const before = accepted.length
    const processes = [...system.processes.values()]
    const signalled = Date.now()
    for (const p of processes) p.child.kill('SIGTERM')
    const exits = await Promise.all(
      processes.map(async (p) => ({
        domain: p.domain,
        code: await p.exited,
        ms: Date.now() - signalled,
        errors: errorLines(p.stdout(), p.stderr()),
      })),
    )
    ordering = false
    await load

    expect(accepted.length).toBeGreaterThan(before - 1)
    for (const exit of exits) {
      expect(exit, `${exit.domain} exits 0 within its grace`).toMatchObject({ code: 0 })
      expect(exit.ms, `${exit.domain} took ${exit.ms} ms`).toBeLessThan(GRACE_MS + CLOSING_MS)
      expect(exit.errors, `${exit.domain} logged errors`).toEqual([])
    }

    // Started again, every order answered 201 is there, and is announced (its payment link).
    await system.killAllAndRestart()
    const lost: string[] = []
    for (const { customerId, orderId } of accepted) {
      const res = await durable.json(`/api/customers/${customerId}/orders/${orderId}`)
      if (res.status !== 200) lost.push(`${orderId}: ${res.status}`)
    }
    expect(lost).toEqual([])
    await waitFor(
      async () => {
        for (const { customerId, orderId } of accepted) {
          const res = await durable.json(`/api/customers/${customerId}/orders/${orderId}`)
          if (!res.body?.order?.paymentLink) return undefined
        }
        return true
      },
      { timeoutMs: 60_000, what: 'a payment link on every accepted order' },
    )
    console.info(
      `shutdown under load: ${accepted.length} orders accepted; answers ${JSON.stringify(Object.fromEntries(statuses))}; exits ${exits.map((e) => `${e.domain} ${e.ms} ms`).join(', ')}`,
    )
  }, 240_000)
})
