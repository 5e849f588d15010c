/** A call: its deadline, its signal, giving it up and the calls made on its behalf. */
import { describe, expect, it } from 'vitest'
import { abortCauseOf, Call } from './call.ts'
import { activeCall, inCall, outsideCalls, refusedByCall } from './call-scope.ts'
import { callsInFlight, callWithin, SWEEP_MS } from './calls-in-flight.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('a call', () => {
  it('is given up once, with the error of its cause as its signal’s reason', () => {
    const call = new Call(Infinity)
    const signal = call.signal
    expect(call.aborted).toBe(false)
    expect(() => call.check()).not.toThrow()
    call.abort('cancelled')
    call.abort('stopping')
    expect(call.cause).toBe('cancelled')
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toBe(call.reason)
    expect(call.reason).toMatchObject({ code: 'CANCELLED' })
    expect(abortCauseOf(call.reason)).toBe('cancelled')
    expect(() => call.check()).toThrow(call.reason)
  })

  it('passes its deadline at the deadline, even with nothing swept yet', () => {
    const call = new Call(Date.now() - 1)
    expect(call.aborted).toBe(true)
    expect(call.reason).toMatchObject({ code: 'DEADLINE_EXCEEDED', name: 'DomainError' })
    // A signal asked for afterwards is aborted already.
    expect(call.signal.aborted).toBe(true)
    expect(call.remainingMs()).toBe(0)
  })

  it('tells its hooks once, and none after it ended', () => {
    const told: string[] = []
    const call = new Call(Infinity)
    const a = () => void told.push('a')
    call.onAbort(a)
    call.onAbort(() => told.push('b'))
    call.offAbort(a)
    call.abort('stopping')
    call.onAbort((reason) => told.push(reason.code))
    expect(told).toEqual(['b', 'UNAVAILABLE'])

    const ended = new Call(Infinity)
    ended.onAbort(() => told.push('late'))
    ended.end()
    ended.abort('cancelled')
    expect(ended.aborted).toBe(false)
    expect(told).not.toContain('late')
  })

  it('makes a call on its behalf with the earlier deadline, given up with it', () => {
    const parent = new Call(Date.now() + 60_000)
    expect(callWithin(parent, Date.now() + 120_000)).toBe(parent)
    const child = callWithin(parent, Date.now() + 10_000)
    expect(child).not.toBe(parent)
    expect(child.deadline).toBeLessThan(parent.deadline)
    parent.abort('cancelled')
    expect(child.cause).toBe('cancelled')
    child.end()
  })

  it('is the active call of its work across awaits and timers, and of none outside', async () => {
    const call = new Call(Infinity)
    const seen = await inCall(call, async () => {
      await sleep(1)
      const inTimer = await new Promise((r) => setTimeout(() => r(activeCall()), 1))
      const outside = outsideCalls(() => activeCall())
      return { after: activeCall(), inTimer, outside }
    })
    expect(seen).toEqual({ after: call, inTimer: call, outside: undefined })
    expect(activeCall()).toBeUndefined()
    expect(refusedByCall()).toBeUndefined()
    call.abort('deadline')
    await expect(inCall(call, () => refusedByCall())).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    })
  })
})

describe('the calls in flight', () => {
  it('counts open calls, drains, and gives them all up', async () => {
    const calls = callsInFlight()
    const a = calls.open(Infinity)
    const b = calls.open(Infinity)
    expect(calls.size).toBe(2)
    expect(await calls.drained(20)).toBe(false)
    const drained = calls.drained(1_000)
    calls.abortAll('stopping')
    expect([a.cause, b.cause]).toEqual(['stopping', 'stopping'])
    a.end()
    b.end()
    expect(await drained).toBe(true)
    expect(calls.size).toBe(0)
  })

  it('aborts the signal of a call whose deadline passed, without anyone checking', async () => {
    const calls = callsInFlight()
    const call = calls.open(Date.now() + 30)
    const aborted = new Promise<number>((resolve) =>
      call.signal.addEventListener('abort', () => resolve(Date.now())),
    )
    const at = await aborted
    expect(at - (call.deadline ?? 0)).toBeLessThanOrEqual(SWEEP_MS + 20)
    expect(call.signal.reason).toMatchObject({ code: 'DEADLINE_EXCEEDED' })
    call.end()
  })
})
