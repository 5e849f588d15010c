/**
 * The CLI reaches the running system: `oms invoke --url` runs a function inside a running
 * process (its store, bus and state), `oms publish --url` publishes on its bus, and handler
 * outcomes (a domain error, an invalid event, retry later) print as one line with their exit
 * code. The process runs in this test; the CLI is the real `oms`, spawned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOPICS } from '../shared/events.ts'
import { linesOf, oms } from './cli.ts'
import { ADMIN_TOKEN, post, startSystem, type TestSystem, waitFor } from './fixtures.ts'

describe('the CLI against a running process', () => {
  let system: TestSystem
  /** The operator routes answer the process's admin token, which the CLI sends from ADMIN_TOKEN. */
  const env = { ADMIN_TOKEN }
  beforeAll(async () => {
    system = await startSystem()
  })
  afterAll(async () => {
    await system?.stop()
  })

  async function placeOrder(customerId: string, quantity: number): Promise<string> {
    const res = await system.json(
      `/api/customers/${customerId}/orders`,
      post({ items: [{ id: 'burger', quantity }] }),
    )
    expect(res.status).toBe(201)
    return res.body.order.id
  }

  const burger = (stdout: string) =>
    (JSON.parse(stdout) as { levels: { itemId: string; reserved: number }[] }).levels.find(
      (l) => l.itemId === 'burger',
    )

  it('invoke --url runs the function inside the process: it sees what the process holds', async () => {
    await placeOrder('ann', 3)
    const args = ['invoke', 'stock.get-levels', '--data', '{"ids": ["burger"]}']
    const inside = await oms([...args, '--url', system.url], { env })
    expect(inside.stderr).toBe('')
    expect(inside.code).toBe(0)
    expect(burger(inside.stdout)?.reserved).toBe(3)
    // Without --url, a fresh runtime of its own: nothing reserved there.
    const fresh = await oms(args, { env })
    expect(fresh.code).toBe(0)
    expect(burger(fresh.stdout)?.reserved).toBe(0)
  })

  it('a consumer invoked with a real order id acts on that order (the process store)', async () => {
    const orderId = await placeOrder('bob', 1)
    const sample = await oms([
      'events',
      'sample',
      'order.paid',
      '--set',
      `orderId=${orderId}`,
      '--set',
      'customerId=bob',
    ])
    expect(sample.code).toBe(0)
    const run = await oms(['invoke', 'orders.on-order-paid', '--file', '-', '--url', system.url], {
      env,
      input: sample.stdout,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const { body } = await system.json(`/api/customers/bob/orders/${orderId}`)
    expect(body.order.status).toBe('paid')
  })

  it('a domain error is one line naming the function and the code; its JSON shape on stdout; exit 1', async () => {
    const run = await oms(
      [
        'invoke',
        'orders.get-order',
        '--data',
        '{"orderId": "no-such-order", "customerId": "ann"}',
        '--url',
        system.url,
      ],
      { env },
    )
    expect(run.code).toBe(1)
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(/^oms: orders\.get-order: ORDER_NOT_FOUND: .*no-such-order/),
    ])
    expect(JSON.parse(run.stdout).error.code).toBe('ORDER_NOT_FOUND')
  })

  it('an invalid event is one line naming the field; exit 2', async () => {
    for (const where of [['--url', system.url], []]) {
      const run = await oms(
        ['invoke', 'orders.on-order-paid', '--data', '{"eventId": "e-1"}', ...where],
        { env },
      )
      expect(run.code).toBe(2)
      expect(linesOf(run.stderr)).toEqual([
        expect.stringMatching(
          /^oms: orders\.on-order-paid: invalid order\.paid event: orderId: .*customerId: /,
        ),
      ])
      expect(run.stderr).not.toContain('    at ')
    }
  })

  it("a handler's RetryLater is one line with its reason; exit 75", async () => {
    const sample = await oms(['events', 'sample', 'order.paid', '--compact'])
    const run = await oms(
      ['invoke', 'kitchen.cook', '--data', sample.stdout.trim(), '--url', system.url],
      { env },
    )
    expect(run.code).toBe(75)
    expect(linesOf(run.stderr)).toEqual([
      expect.stringMatching(/^oms: kitchen\.cook: retry later — .+/),
    ])
  })

  it('refuses a function the process does not host, and callers without the token', async () => {
    const unknown = await oms(['invoke', 'nope.nothing', '--url', system.url], { env })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/does not host nope\.nothing/)
    const stranger = await oms(['invoke', 'stock.get-levels', '--url', system.url], {
      env: { ADMIN_TOKEN: 'not-the-admin-token-at-all' },
    })
    expect(stranger.code).toBe(1)
    expect(stranger.stderr).toMatch(/does not serve the ops routes/)
  })

  it('publish --url publishes a valid event on the process bus; an invalid one names the field, exit 2', async () => {
    const received: string[] = []
    const spy = await system.adapters.bus.subscribe(
      { consumer: 'test.cli-spy', event: 'order.ready', prefetch: 1, retryDelaysMs: [] },
      async (delivery) => {
        received.push(delivery.body)
      },
    )
    try {
      const sample = await oms(['events', 'sample', 'order.ready'])
      const published = await oms(['publish', 'order.ready', '--data', '-', '--url', system.url], {
        env,
        input: sample.stdout,
      })
      expect(published.stderr).toBe('')
      expect(published.code).toBe(0)
      const { eventId } = JSON.parse(sample.stdout)
      expect(published.stdout).toContain(`published order.ready ${eventId}`)
      const body = await waitFor(async () => received[0], { what: 'the published event' })
      expect(TOPICS['order.ready'].schema.parse(JSON.parse(body)).eventId).toBe(eventId)

      const invalid = await oms(
        ['publish', 'order.ready', '--data', '{"eventId": "x", "orderId": 7}', '--url', system.url],
        { env },
      )
      expect(invalid.code).toBe(2)
      expect(linesOf(invalid.stderr)).toEqual([
        expect.stringMatching(/^oms: invalid order\.ready event: orderId: .*customerId: /),
      ])
      expect(received).toHaveLength(1)
    } finally {
      await spy.close()
    }
  })
})
