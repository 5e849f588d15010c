import { trace } from '@opentelemetry/api'
import { describe, expect, it } from 'vitest'
import { silentLogger, testConfig } from '../../test/fixtures.ts'
import type { BindingDeps, Hosted } from '../model/binding.ts'
import type { Context, ScheduleContext } from '../model/context.ts'
import type { ScheduleFunction } from '../model/define.ts'
import { domain } from '../model/domain.ts'
import { prepareSchedules } from './schedule-binding.ts'

const clock = domain('clock')

function hostedSchedule(
  every: number,
  handler: (ctx: ScheduleContext) => Promise<void>,
  errors: unknown[] = [],
): Hosted<ScheduleFunction> {
  const log = { ...silentLogger, error: (fields: unknown) => void errors.push(fields) }
  return {
    fn: { name: 'clock.tick', domain: 'clock', def: clock.schedule({ every }, handler) },
    ctx: { log, settings: {} } as unknown as Context,
    tracer: trace.getTracer('test'),
  }
}

const deps = { config: testConfig(), log: silentLogger } as unknown as BindingDeps
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('the schedule binding', () => {
  it('runs the function soon after start, then again every period, one run at a time', async () => {
    const runs: { number: number; at: number }[] = []
    let running = 0
    let overlapped = false
    const binding = prepareSchedules(
      [
        hostedSchedule(50, async ({ run }) => {
          overlapped ||= running > 0
          running++
          runs.push({ number: run.number, at: Date.now() })
          await sleep(30)
          running--
        }),
      ],
      deps,
    )
    await binding.start()
    await sleep(1_400)
    await binding.stop()
    expect(runs.length).toBeGreaterThanOrEqual(3)
    expect(runs.map((r) => r.number)).toEqual(runs.map((_, i) => i + 1))
    // The period counts from the end of a run: starts are at least run time + period apart.
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThanOrEqual(75)
    expect(overlapped).toBe(false)
  })

  it('logs a failed run and runs again on time', async () => {
    const errors: unknown[] = []
    let runs = 0
    const binding = prepareSchedules(
      [
        hostedSchedule(
          20,
          async () => {
            runs++
            throw new Error('boom')
          },
          errors,
        ),
      ],
      deps,
    )
    await binding.start()
    await sleep(1_300)
    await binding.stop()
    expect(runs).toBeGreaterThanOrEqual(2)
    expect(errors.length).toBe(runs)
  })

  it('aborts the run in flight on stop, waits for it, and runs no more', async () => {
    let finished = false
    let runs = 0
    const binding = prepareSchedules(
      [
        hostedSchedule(10, async ({ signal }) => {
          runs++
          await new Promise((r) => signal.addEventListener('abort', r))
          await sleep(20)
          finished = true
        }),
      ],
      deps,
    )
    await binding.start()
    await sleep(1_100)
    expect(runs).toBe(1)
    await binding.stop()
    expect(finished).toBe(true)
    await sleep(50)
    expect(runs).toBe(1)
  })

  it('runs once on invoke, without being started', async () => {
    let runs = 0
    const binding = prepareSchedules(
      [
        hostedSchedule(60_000, async () => {
          runs++
        }),
      ],
      deps,
    )
    await expect(binding.invoke('clock.tick', {})).resolves.toEqual({ ok: true })
    expect(runs).toBe(1)
  })
})
