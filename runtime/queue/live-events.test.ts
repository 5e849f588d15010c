import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { silentLogger } from '../../test/fixtures.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { Call } from '../model/call.ts'
import { activeCall, inCall } from '../model/call-scope.ts'
import { topic } from '../model/topic.ts'
import { liveEvents } from './live-events.ts'

const moved = topic('thing.moved', z.object({ eventId: z.string(), to: z.string() }))
const tick = () => new Promise((r) => setTimeout(r, 5))

describe('live events', () => {
  it('gives each listener every event published from then on, checked against its topic', async () => {
    const bus = memoryBus()
    const live = liveEvents(bus, silentLogger)
    const a: string[] = []
    const b: string[] = []
    await bus.publish('thing.moved', { eventId: '0', to: 'before' } as never)
    const stopA = await live.watch(moved, { event: (e) => void a.push(e.to) })
    await live.watch(moved, { event: (e) => void b.push(e.to) })
    await bus.publish('thing.moved', { eventId: '1', to: 'left' } as never)
    await bus.publishRaw('thing.moved', '{"not":"the shape"}')
    await bus.publishRaw('thing.moved', 'not json')
    await tick()
    stopA()
    await bus.publish('thing.moved', { eventId: '2', to: 'right' } as never)
    await tick()
    expect(a).toEqual(['left'])
    expect(b).toEqual(['left', 'right'])
    expect(live.listeners('thing.moved')).toBe(1)
  })

  it('runs listeners outside the call that published or that opened the stream', async () => {
    const bus = memoryBus()
    const live = liveEvents(bus, silentLogger)
    const calls: unknown[] = []
    const call = new Call(Date.now() + 10)
    await inCall(call, () => live.watch(moved, { event: () => void calls.push(activeCall()) }))
    await inCall(new Call(Infinity), () =>
      bus.publish('thing.moved', { eventId: '1', to: 'x' } as never),
    )
    await tick()
    expect(calls).toEqual([undefined])
  })

  it('ends every listener when closed, and ends at once those that come after', async () => {
    const bus = memoryBus()
    const live = liveEvents(bus, silentLogger)
    const ended: string[] = []
    await live.watch(moved, { event: () => {}, end: () => void ended.push('first') })
    await live.close()
    await live.watch(moved, { event: () => {}, end: () => void ended.push('late') })
    await bus.publish('thing.moved', { eventId: '1', to: 'x' } as never)
    await tick()
    expect(ended).toEqual(['first', 'late'])
    expect(live.listeners('thing.moved')).toBe(0)
  })
})
