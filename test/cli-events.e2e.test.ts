/**
 * `oms events ls` lists every event the functions declare, and `oms events sample <event>`
 * prints a body that its topic's own parser accepts — each run a new event.
 */

import { describe, expect, it } from 'vitest'
import type { Topic } from '../runtime/model/topic.ts'
import { parseEvent } from '../runtime/queue/parse-event.ts'
import { TOPICS } from '../shared/events.ts'
import { oms } from './cli.ts'

describe('oms events', () => {
  it('lists every event with the functions it is delivered to', async () => {
    const run = await oms(['events', 'ls', '--json'])
    expect(run.code).toBe(0)
    const listed = JSON.parse(run.stdout) as { name: string; consumers: string[] }[]
    expect(listed.map((e) => e.name).sort()).toEqual(Object.keys(TOPICS).sort())
    expect(listed.find((e) => e.name === 'order.paid')?.consumers).toEqual(
      expect.arrayContaining(['orders.on-order-paid', 'stock.on-order-paid', 'kitchen.cook']),
    )
  })

  it.each(Object.keys(TOPICS))(
    'samples %s: its own parser accepts it, with a new event id each time',
    async (name) => {
      const topic: Topic = TOPICS[name as keyof typeof TOPICS]
      const [first, second] = await Promise.all([
        oms(['events', 'sample', name]),
        oms(['events', 'sample', name]),
      ])
      expect(first.code).toBe(0)
      const event = parseEvent(topic, first.stdout) as { eventId: string }
      expect(event.eventId).not.toBe((JSON.parse(second.stdout) as { eventId: string }).eventId)
    },
  )

  it('sets fields with --set, and names the known events for an unknown one', async () => {
    const set = await oms(['events', 'sample', 'order.paid', '--set', 'orderId=o-42', '--compact'])
    expect(JSON.parse(set.stdout).orderId).toBe('o-42')
    expect(set.stdout.trim().split('\n')).toHaveLength(1)
    const unknown = await oms(['events', 'sample', 'order.eaten'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/no event named "order\.eaten" \(events: .*order\.paid/)
  })
})
