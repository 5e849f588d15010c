/**
 * Runs a worker function: each event is written to the worker's durable job list and
 * acknowledged at once (no delivery is held during long work), then jobs are leased and
 * run with bounded concurrency. Leases are renewed while a job runs; a crashed process's
 * jobs are picked up again when their lease runs out; failures are retried with backoff.
 */
import { randomUUID } from 'node:crypto'
import type { Tracer } from '@opentelemetry/api'
import type { Context } from '../model/context.ts'
import type { WorkerFunction } from '../model/define.ts'
import { isRetryLater } from '../model/retry-later.ts'
import type { Bus, Subscription } from '../ports/bus.ts'
import type { Store } from '../ports/store.ts'
import { parseEvent } from '../queue/parse-event.ts'
import { extract, inSpan } from '../telemetry/spans.ts'

export interface JobRunnerOptions {
  /** How long a claimed job stays ours without renewal (default 30 s). */
  leaseMs?: number
  /** How often due jobs are looked for when nothing pokes the runner (default 250 ms). */
  pollMs?: number
  /** Longest backoff between tries (default 30 s). */
  maxBackoffMs?: number
  /** How long stop() waits for running jobs before handing them back (default 10 s). */
  graceMs?: number
}

/** A job's payload: the event's body and the message headers (trace context). */
function unwrap(payload: string): { body: string; headers: Record<string, string> } {
  try {
    const parsed = JSON.parse(payload) as { body?: unknown; headers?: unknown }
    if (typeof parsed.body === 'string')
      return { body: parsed.body, headers: (parsed.headers ?? {}) as Record<string, string> }
  } catch {}
  return { body: payload, headers: {} }
}

export interface JobRunner {
  stop(): Promise<void>
}

export async function startJobRunner(
  def: WorkerFunction,
  ctx: Context,
  bus: Bus,
  store: Store,
  tracer: Tracer,
  {
    leaseMs = 30_000,
    pollMs = 250,
    maxBackoffMs = 30_000,
    graceMs = 10_000,
  }: JobRunnerOptions = {},
): Promise<JobRunner> {
  const queue = ctx.fn.name
  const owner = `${queue}:${randomUUID()}`
  const { concurrency: configured = 4 } = def.options
  const concurrency = typeof configured === 'function' ? configured(ctx.config) : configured
  const running = new Map<string, Promise<void>>()
  const abort = new AbortController()
  let stopping = false

  const work = async (job: { id: string; payload: string; attempts: number }) => {
    const log = ctx.log.child({ jobId: job.id, attempt: job.attempts })
    const { body, headers } = unwrap(job.payload)
    try {
      // The job keeps the trace of the message that created it: its span is a child of it.
      const attributes = {
        'faas.name': ctx.fn.name,
        'faas.trigger': 'pubsub',
        'oms.job.id': job.id,
        'oms.job.attempt': job.attempts,
      }
      await inSpan(
        tracer,
        `work ${ctx.fn.name}`,
        { parent: extract(headers), attributes },
        async () => {
          const event = parseEvent(def.options.on, body)
          await def.handler(event, {
            ...ctx,
            log,
            job: { id: job.id, attempt: job.attempts },
            signal: abort.signal,
          })
        },
      )
      await store.jobs.complete(queue, job.id, owner)
    } catch (err) {
      if (abort.signal.aborted) return
      const backoff = Math.min(maxBackoffMs, 500 * 2 ** Math.min(job.attempts - 1, 16))
      const delayMs = isRetryLater(err) ? (err.delayMs ?? backoff) : backoff
      if (isRetryLater(err)) log.debug({ delayMs, reason: err.message }, 'job deferred')
      else log.error({ err, delayMs }, 'job failed; will retry')
      await store.jobs.retry(
        queue,
        job.id,
        owner,
        delayMs,
        err instanceof Error ? err.message : String(err),
      )
    }
  }

  let ticking = false
  const tick = async () => {
    if (stopping || ticking) return
    ticking = true
    try {
      const free = concurrency - running.size
      if (free <= 0) return
      for (const job of await store.jobs.claim(queue, owner, free, leaseMs)) {
        const p = work(job).finally(() => {
          running.delete(job.id)
          void tick()
        })
        running.set(job.id, p)
      }
    } catch (err) {
      ctx.log.error({ err }, 'claiming jobs failed')
    } finally {
      ticking = false
    }
  }

  const subscription: Subscription = await bus.subscribe(
    {
      consumer: queue,
      event: def.options.on,
      prefetch: ctx.config.prefetch,
      retryDelaysMs: ctx.config.retryDelaysMs,
    },
    async (delivery) => {
      const event = parseEvent(def.options.on, delivery.body)
      const id = def.options.key?.(event) ?? delivery.messageId
      await store.jobs.enqueue(
        queue,
        id,
        JSON.stringify({ body: delivery.body, headers: delivery.headers }),
      )
      void tick()
    },
  )
  const poll = setInterval(() => void tick(), pollMs)
  const renew = setInterval(() => {
    if (running.size > 0) {
      store.jobs.renew(queue, owner, [...running.keys()], leaseMs).catch((err: unknown) => {
        ctx.log.error({ err }, 'renewing job leases failed')
      })
    }
  }, leaseMs / 3)
  void tick()

  return {
    async stop() {
      stopping = true
      clearInterval(poll)
      await subscription.close()
      const settled = Promise.allSettled(running.values())
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ])
      if (timedOut) {
        abort.abort()
        await store.jobs.releaseOwner(queue, owner)
      }
      clearInterval(renew)
    },
  }
}
