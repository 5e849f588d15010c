/**
 * Runs one job of a worker function: the event from the job's payload, checked against its
 * topic, handled in a span that keeps the trace of the message that created the job, as a call
 * given up when `signal` aborts (the store and the bus then refuse its work). Shared by the job
 * runner and `oms invoke`.
 */
import type { Hosted } from '../model/binding.ts'
import { Call } from '../model/call.ts'
import { inCall } from '../model/call-scope.ts'
import type { WorkerFunction } from '../model/define.ts'
import { logFieldsOf } from '../model/topic.ts'
import { parseEvent } from '../queue/parse-event.ts'
import { extract, inSpan, keyAttributes } from '../telemetry/spans.ts'

/** A job's payload: the event's body and the message headers (trace context). */
export function wrapPayload(body: string, headers: Record<string, string>): string {
  return JSON.stringify({ body, headers })
}

function unwrap(payload: string): { body: string; headers: Record<string, string> } {
  try {
    const parsed = JSON.parse(payload) as { body?: unknown; headers?: unknown }
    if (typeof parsed.body === 'string')
      return { body: parsed.body, headers: (parsed.headers ?? {}) as Record<string, string> }
  } catch {}
  return { body: payload, headers: {} }
}

export interface RunnableJob {
  id: string
  payload: string
  attempts: number
}

export async function runJob(
  { fn, ctx, tracer }: Hosted<WorkerFunction>,
  job: RunnableJob,
  signal: AbortSignal,
): Promise<void> {
  let log = ctx.log.child({ jobId: job.id, attempt: job.attempts })
  const { body, headers } = unwrap(job.payload)
  const attributes = {
    'faas.name': fn.name,
    'faas.trigger': 'pubsub',
    'oms.job.id': job.id,
    'oms.job.attempt': job.attempts,
  }
  const handler = fn.def.handler as (event: unknown, ctx: unknown) => Promise<void>
  await inSpan(
    tracer,
    `work ${fn.name}`,
    { parent: extract(headers), attributes },
    async (span) => {
      const event = parseEvent(fn.def.options.on, body)
      const about = logFieldsOf(fn.def.options.on, event)
      if (Object.keys(about).length > 0) {
        log = log.child(about)
        if (span.isRecording()) span.setAttributes(keyAttributes(about))
      }
      const call = new Call(Infinity)
      const stop = () => call.abort('stopping')
      if (signal.aborted) stop()
      else signal.addEventListener('abort', stop, { once: true })
      const jobCtx = { ...ctx, log, job: { id: job.id, attempt: job.attempts }, signal }
      try {
        await inCall(call, handler, event, jobCtx)
      } finally {
        signal.removeEventListener('abort', stop)
        call.end()
      }
    },
  )
}
