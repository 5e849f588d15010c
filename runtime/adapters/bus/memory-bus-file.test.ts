/**
 * The embedded bus kept in a file (what `oms dev` does across its reloads): a new bus on the
 * same file has every message the old one had not handled yet — queued, waiting for a retry —
 * and every parked one, which can still be replayed.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/fixtures.ts'
import type { Bus, Delivery } from '../../ports/bus.ts'
import { PoisonMessageError } from '../../ports/bus.ts'
import { memoryBus } from './memory-bus.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
const busFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-bus-'))
  dirs.push(dir)
  return join(dir, 'bus.json')
}

const paid = (orderId: string) => ({
  eventId: `${orderId}:paid`,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
})

const options = (consumer: string, retryDelaysMs: number[] = []) => ({
  consumer,
  event: 'order.paid',
  prefetch: 4,
  retryDelaysMs,
})

async function received(bus: Bus, consumer: string): Promise<Delivery[]> {
  const got: Delivery[] = []
  await bus.subscribe(options(consumer), async (d) => void got.push(d))
  return got
}

describe('the embedded bus kept in a file', () => {
  it('hands a new bus the messages the old one had queued', async () => {
    const file = busFile()
    const first = memoryBus({ file })
    await first.declare([{ consumer: 'a.on-paid', event: 'order.paid' }])
    await first.publish('order.paid', paid('o-1'))
    await first.publish('order.paid', paid('o-2'))
    await first.close()

    const second = memoryBus({ file })
    const got = await received(second, 'a.on-paid')
    await waitFor(() => (got.length === 2 ? true : undefined))
    expect(got.map((d) => JSON.parse(d.body).orderId)).toEqual(['o-1', 'o-2'])
    expect(got.map((d) => d.messageId)).toEqual(['o-1:paid', 'o-2:paid'])
    await second.close()
    // Handled, they are gone from the file too.
    const third = memoryBus({ file })
    expect((await third.stats()).find((q) => q.consumer === 'a.on-paid')?.ready).toBe(0)
    await third.close()
  })

  it('keeps a message waiting for its retry, with its try count', async () => {
    const file = busFile()
    const first = memoryBus({ file })
    let tries = 0
    await first.subscribe(options('a.on-paid', [60_000]), async () => {
      tries += 1
      throw new Error('not yet')
    })
    await first.publish('order.paid', paid('o-3'))
    await waitFor(() => (tries === 1 ? true : undefined))
    await first.close()

    const second = memoryBus({ file })
    const got = await received(second, 'a.on-paid')
    await waitFor(() => (got.length === 1 ? true : undefined))
    expect(got[0]?.attempt).toBe(2)
    await second.close()
  })

  it('keeps parked messages, which the next bus replays', async () => {
    const file = busFile()
    const first = memoryBus({ file })
    await first.subscribe(options('a.on-paid'), async () => {
      throw new PoisonMessageError('bad total')
    })
    await first.publish('order.paid', paid('o-4'))
    await waitFor(async () => ((await first.parked()).length === 1 ? true : undefined))
    await first.close()

    const second = memoryBus({ file })
    const parked = await second.parked('a.on-paid')
    expect(parked).toHaveLength(1)
    expect(parked[0]?.error).toContain('bad total')
    const got = await received(second, 'a.on-paid')
    expect(await second.replay({ id: 'o-4:paid' })).toBe(1)
    await waitFor(() => (got.length === 1 ? true : undefined))
    expect(await second.parked()).toEqual([])
    await second.close()
  })

  it('refuses a file that is not its own', async () => {
    const file = busFile()
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, '{"collections":{}}')
    expect(() => memoryBus({ file })).toThrow(/not an oms embedded bus file/)
  })
})
