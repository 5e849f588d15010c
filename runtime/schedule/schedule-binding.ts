/**
 * The schedule binding: each scheduled function run soon after start (within a second, spread
 * so that processes started together do not run together), then `every` ms after each run ends.
 * A run is a root span; a run that throws is logged and the next one comes as planned. Stopping
 * aborts the run in flight (its `signal`) and waits for it. `oms invoke` runs one run at once.
 */

import { ROOT_CONTEXT } from '@opentelemetry/api'
import { type Binding, type BindingDeps, type Hosted, hostedNamed } from '../model/binding.ts'
import { Call } from '../model/call.ts'
import { inCall } from '../model/call-scope.ts'
import type { ScheduleFunction } from '../model/define.ts'
import { inSpan } from '../telemetry/spans.ts'

/** The first run comes within this long of the start. */
const FIRST_RUN_WITHIN_MS = 1_000

export function periodOf(h: Hosted<ScheduleFunction>): number {
  const { every } = h.fn.def.options
  const ms = typeof every === 'function' ? every(h.ctx.settings as never) : every
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(`${h.fn.name}: schedule every must be a positive number of ms, got ${ms}`)
  return ms
}

interface Schedule {
  timer?: NodeJS.Timeout
  running?: Promise<void>
  runs: number
}

export function prepareSchedules(
  hosted: readonly Hosted<ScheduleFunction>[],
  deps: BindingDeps,
): Binding {
  const controller = new AbortController()
  const schedules = new Map<string, Schedule>()

  function runOnce(h: Hosted<ScheduleFunction>, schedule: Schedule): Promise<void> {
    const number = ++schedule.runs
    const startedAt = Date.now()
    const attributes = { 'faas.name': h.fn.name, 'faas.trigger': 'timer', 'oms.run': number }
    const handler = h.fn.def.handler as (ctx: unknown) => Promise<void>
    // A call given up when the process stops: the store and the bus refuse its further work.
    const call = new Call(Infinity)
    const stop = () => call.abort('stopping')
    if (controller.signal.aborted) stop()
    else controller.signal.addEventListener('abort', stop, { once: true })
    const runCtx = { ...h.ctx, run: { startedAt, number }, signal: controller.signal }
    return inSpan(h.tracer, `schedule ${h.fn.name}`, { parent: ROOT_CONTEXT, attributes }, () =>
      inCall(call, handler, runCtx),
    ).finally(() => {
      controller.signal.removeEventListener('abort', stop)
      call.end()
    })
  }

  function plan(h: Hosted<ScheduleFunction>, schedule: Schedule, delay: number) {
    if (controller.signal.aborted) return
    schedule.timer = setTimeout(() => {
      schedule.running = runOnce(h, schedule)
        .catch((err: unknown) => {
          if (!controller.signal.aborted) h.ctx.log.error({ err }, 'scheduled run failed')
        })
        .finally(() => {
          schedule.running = undefined
          plan(h, schedule, periodOf(h))
        })
    }, delay)
    // A waiting schedule never keeps the process alive by itself.
    schedule.timer.unref()
  }

  return {
    async start() {
      for (const h of hosted) {
        const every = periodOf(h)
        const schedule: Schedule = { runs: 0 }
        schedules.set(h.fn.name, schedule)
        plan(h, schedule, Math.random() * Math.min(every, FIRST_RUN_WITHIN_MS))
        deps.log.debug({ fn: h.fn.name, everyMs: every }, 'schedule started')
      }
    },
    async stop() {
      controller.abort()
      const running = [...schedules.values()].map((s) => {
        clearTimeout(s.timer)
        return s.running
      })
      await Promise.allSettled(running)
      schedules.clear()
    },
    async invoke(name) {
      const h = hostedNamed(hosted, name)
      await runOnce(h, schedules.get(name) ?? { runs: 0 })
      return { ok: true }
    },
  }
}
