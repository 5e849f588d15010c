/**
 * The in-process bus, with the RabbitMQ design's semantics: one queue per consumer function,
 * ack after the handler, retries after growing delays (timers stand in for delay queues; the
 * consumer never sleeps), and parking of messages that fail every try or can never succeed.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type Bus,
  type Delivery,
  type Headers,
  type ParkedMessage,
  RESENT_HEADER,
  type SubscribeOptions,
  type Subscription,
  type WatchHandlers,
} from '../../ports/bus.ts'
import { describeError, isPoison, transientWait } from './errors.ts'

interface Queued {
  messageId: string
  body: string
  headers: Headers
  attempt: number
  /** Time spent waiting after transient failures. */
  waitedMs?: number
  /** Delivered before (loaded back from the file, replayed), or sent again by its publisher. */
  redelivered?: boolean
}

interface Queue {
  consumer: string
  event: string
  ready: Queued[]
  inFlight: number
  /** The messages being handled and those waiting for a retry, kept with the rest in a file. */
  held: Set<Queued>
  /** Messages waiting out a retry delay (their timers run). */
  retrying?: number
  handle?: (delivery: Delivery) => Promise<void>
  options?: SubscribeOptions
  idle?: () => void
}

export interface MemoryBusOptions {
  /**
   * Keep the queued, retrying and parked messages in this JSON file (loaded at start), as
   * `oms dev` does across its reloads. Default: memory only.
   */
  file?: string
  /** How long after a change the file is rewritten (default 50 ms). */
  saveDelayMs?: number
}

interface FileShape {
  oms: 'embedded-bus'
  queues: { consumer: string; event: string; messages: Queued[] }[]
  parked: ParkedMessage[]
}

function readBusFile(file: string): FileShape | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
  const data = JSON.parse(text) as Partial<FileShape>
  if (data.oms !== 'embedded-bus') throw new Error(`${file} is not an oms embedded bus file`)
  return { oms: data.oms, queues: data.queues ?? [], parked: data.parked ?? [] }
}

export function memoryBus({ file, saveDelayMs = 50 }: MemoryBusOptions = {}): Bus {
  const queues = new Map<string, Queue>()
  const parked: ParkedMessage[] = []
  const timers = new Set<NodeJS.Timeout>()
  /** The watches of each event. */
  const watches = new Map<string, Set<WatchHandlers>>()

  const declareQueue = (consumer: string, event: string): Queue => {
    let q = queues.get(consumer)
    if (!q) {
      q = { consumer, event, ready: [], inFlight: 0, held: new Set() }
      queues.set(consumer, q)
    }
    return q
  }

  // Kept in a file: every message not yet handled (those in hand and those waiting for their
  // retry as ready ones) and every parked one, written shortly after each change and on close.
  let saveTimer: NodeJS.Timeout | undefined
  const save = () => {
    if (!file) return
    clearTimeout(saveTimer)
    saveTimer = undefined
    const data: FileShape = {
      oms: 'embedded-bus',
      queues: [...queues.values()].map((q) => ({
        consumer: q.consumer,
        event: q.event,
        messages: [...q.held, ...q.ready],
      })),
      parked,
    }
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(data))
    renameSync(tmp, file)
  }
  const changed = () => {
    if (file && !saveTimer) saveTimer = setTimeout(save, saveDelayMs)
  }
  const saved = file ? readBusFile(file) : undefined
  for (const { consumer, event, messages } of saved?.queues ?? [])
    declareQueue(consumer, event).ready.push(...messages.map((m) => ({ ...m, redelivered: true })))
  parked.push(...(saved?.parked ?? []))

  const park = (q: Queue, m: Queued, error: string) => {
    parked.push({
      id: m.messageId,
      consumer: q.consumer,
      event: q.event,
      body: m.body,
      headers: m.headers,
      error,
      tries: m.attempt,
      parkedAt: new Date().toISOString(),
    })
    q.options?.onParked?.({ id: m.messageId, error, tries: m.attempt })
    changed()
  }

  const later = (q: Queue, m: Queued, delayMs: number) => {
    q.retrying = (q.retrying ?? 0) + 1
    q.held.add(m)
    const timer = setTimeout(() => {
      timers.delete(timer)
      q.retrying = (q.retrying ?? 1) - 1
      q.held.delete(m)
      q.ready.push(m)
      pump(q)
    }, delayMs)
    timers.add(timer)
  }

  const settle = (q: Queue, m: Queued, err: unknown) => {
    const waited = m.waitedMs ?? 0
    const delays = q.options?.retryDelaysMs ?? []
    const wait = transientWait(err, waited, q.options?.transientWaitMs, delays)
    // What it needs is away: wait, without counting a try.
    if (wait !== undefined) return later(q, { ...m, waitedMs: waited + wait }, wait)
    if (isPoison(err) || m.attempt > delays.length) return park(q, m, describeError(err))
    later(q, { ...m, attempt: m.attempt + 1 }, delays[m.attempt - 1] as number)
  }

  const pump = (q: Queue) => {
    const { handle, options } = q
    if (!handle || !options) return
    while (q.inFlight < options.prefetch && q.ready.length > 0) {
      const m = q.ready.shift() as Queued
      q.inFlight += 1
      q.held.add(m)
      const delivery: Delivery = {
        messageId: m.messageId,
        event: q.event,
        body: m.body,
        headers: m.headers,
        attempt: m.attempt,
        redelivered: m.redelivered === true || m.attempt > 1,
      }
      handle(delivery)
        .catch((err: unknown) => settle(q, m, err))
        .finally(() => {
          q.held.delete(m)
          changed()
          q.inFlight -= 1
          if (q.inFlight === 0) q.idle?.()
          pump(q)
        })
    }
  }

  const enqueue = (event: string, body: string, messageId: string, sent: Headers) => {
    const { [RESENT_HEADER]: resent, ...headers } = sent
    const queued: Queued = {
      messageId,
      body,
      headers,
      attempt: 1,
      ...(resent && { redelivered: true }),
    }
    for (const w of watches.get(event) ?? []) queueMicrotask(() => w.message(body))
    for (const q of queues.values()) {
      if (q.event !== event) continue
      q.ready.push(queued)
      queueMicrotask(() => pump(q))
    }
    changed()
  }

  return {
    kind: 'embedded',
    async publish(event, body, headers = {}) {
      enqueue(event, JSON.stringify(body), body.eventId ?? randomUUID(), headers)
    },
    async publishRaw(event, body, headers = {}, messageId = randomUUID()) {
      enqueue(event, body, messageId, headers)
    },
    async declare(consumers) {
      for (const { consumer, event } of consumers) declareQueue(consumer, event)
    },
    async subscribe(options, handle): Promise<Subscription> {
      const q = declareQueue(options.consumer, options.event)
      q.handle = handle
      q.options = options
      pump(q)
      return {
        async close() {
          q.handle = undefined
          if (q.inFlight > 0) await new Promise<void>((resolve) => (q.idle = resolve))
        },
      }
    },
    async watch(event, handlers) {
      let set = watches.get(event)
      if (!set) {
        set = new Set()
        watches.set(event, set)
      }
      // Its own entry: the same handlers watching twice are two watches.
      const entry: WatchHandlers = { message: (body) => handlers.message(body) }
      set.add(entry)
      return {
        async close() {
          set.delete(entry)
        },
      }
    },
    async parked(consumer) {
      return parked.filter((m) => !consumer || m.consumer === consumer).map((m) => ({ ...m }))
    },
    async replay({ consumer, id }) {
      let count = 0
      for (let i = parked.length - 1; i >= 0; i--) {
        const m = parked[i] as ParkedMessage
        if ((consumer && m.consumer !== consumer) || (id && m.id !== id)) continue
        parked.splice(i, 1)
        const q = declareQueue(m.consumer, m.event)
        q.ready.push({
          messageId: m.id,
          body: m.body,
          headers: m.headers,
          attempt: 1,
          redelivered: true,
        })
        pump(q)
        count += 1
      }
      if (count > 0) changed()
      return count
    },
    async stats() {
      return [...queues.values()].map((q) => ({
        consumer: q.consumer,
        event: q.event,
        ready: q.ready.length,
        inFlight: q.inFlight,
        retrying: q.retrying ?? 0,
        parked: parked.filter((m) => m.consumer === q.consumer).length,
      }))
    },
    async health() {
      return { ok: true }
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      save()
    },
  }
}
