/**
 * A consumer that throws is retried after growing delays (RETRY_DELAYS_MS), then parked with
 * its error; `oms dlq ls` (the real CLI, against the running process) shows it, and
 * `oms dlq replay` sends it back so a fixed handler can succeed.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { loadFunctions } from '../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { domain } from '../runtime/model/domain.ts'
import { orderCreated } from '../shared/events.ts'
import { ADMIN_TOKEN, post, silentLogger, testEnv, waitFor } from './fixtures.ts'

const run = promisify(execFile)
const DELAYS_MS = [100, 200, 400]

/** Runs the real `oms` binary and returns its stdout. */
async function oms(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['bin/oms.js', ...args], {
    // The operator routes answer the process's admin token.
    env: { ...process.env, LOG_LEVEL: 'silent', ADMIN_TOKEN },
  })
  return stdout
}

describe('retries with growing delays, then the dead-letter list', () => {
  let runtime: Runtime | undefined
  afterEach(async () => {
    await runtime?.stop()
  })

  it('retries a failing consumer, parks it with its error, lists it in oms dlq ls and replays it', async () => {
    const attempts: number[] = []
    let broken = true
    const flaky = domain('test').consumer(orderCreated, async () => {
      attempts.push(Date.now())
      if (broken) throw new Error('receipt printer is on fire')
    })
    runtime = await createRuntime({
      env: testEnv({ RETRY_DELAYS_MS: DELAYS_MS.join(',') }),
      functions: [
        ...(await loadFunctions()),
        { name: 'test.receipt-printer', domain: 'test', def: flaky },
      ],
      log: silentLogger,
    })
    await runtime.start()
    const url = runtime.bound.httpUrl as string

    const res = await fetch(
      `${url}/api/customers/zoe/orders`,
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(res.status).toBe(201)
    const { order } = await res.json()

    const parked = await waitFor(
      async () => {
        const list = await runtime?.adapters.bus.parked('test.receipt-printer')
        return list && list.length > 0 ? list : undefined
      },
      { what: 'the message to be parked' },
    )
    // First try plus one per delay, each after at least its delay.
    expect(attempts).toHaveLength(DELAYS_MS.length + 1)
    DELAYS_MS.forEach((delay, i) => {
      expect((attempts[i + 1] as number) - (attempts[i] as number)).toBeGreaterThanOrEqual(
        delay - 5,
      )
    })
    expect(parked[0]).toMatchObject({
      consumer: 'test.receipt-printer',
      event: 'order.created',
      tries: 4,
    })
    expect(parked[0]?.error).toContain('receipt printer is on fire')
    // The other consumers of the same event were not held up: the order got its payment link.
    const seen = await (await fetch(`${url}/api/customers/zoe/orders/${order.id}`)).json()
    expect(seen.order.paymentLink).toMatch(/\/checkout\//)

    const table = await oms('dlq', 'ls', '--url', url)
    expect(table).toContain('test.receipt-printer')
    expect(table).toContain('receipt printer is on fire')
    const listed = JSON.parse(await oms('dlq', 'ls', '--url', url, '--json'))
    expect(listed.messages ?? listed).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: parked[0]?.id, tries: 4 })]),
    )

    broken = false
    await oms('dlq', 'replay', '--url', url, '--function', 'test.receipt-printer', '--all')
    await waitFor(() => (attempts.length === DELAYS_MS.length + 2 ? true : undefined), {
      what: 'the replayed delivery',
    })
    expect(await runtime.adapters.bus.parked('test.receipt-printer')).toEqual([])
  })

  it('parks a message that is not JSON at once while others keep flowing', async () => {
    runtime = await createRuntime({
      env: testEnv(),
      functions: await loadFunctions(),
      log: silentLogger,
    })
    await runtime.start()
    await runtime.adapters.bus.publishRaw('order.paid', '{not json')
    const parked = await waitFor(
      async () => {
        const list = await runtime?.adapters.bus.parked()
        return list && list.length >= 3 ? list : undefined
      },
      { what: 'poison parked by each order.paid consumer' },
    )
    expect(parked.map((m) => m.consumer).sort()).toEqual([
      'kitchen.cook',
      'orders.on-order-paid',
      'stock.on-order-paid',
    ])
    expect(parked.every((m) => m.tries === 1 && m.error.includes('not JSON'))).toBe(true)
    const res = await fetch(
      `${runtime.bound.httpUrl}/api/customers/zoe/orders`,
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(res.status).toBe(201)
  })
})
