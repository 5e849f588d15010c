/**
 * A consumer process killed with SIGKILL in the middle of its handler: the broker redelivers
 * the unacknowledged message to the next consumer process, and its effect (keyed by the
 * message id, the way consumers make effects idempotent) happens once.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import type { Bus } from '../runtime/ports/bus.ts'
import type { EventBody } from '../shared/events.ts'
import { silentLogger, waitFor } from './fixtures.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}

describe.skipIf(!(await rabbitAvailable()))('consumer killed mid-handler', () => {
  const children: ChildProcess[] = []
  let bus: Bus | undefined
  let namespace = ''
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    await bus?.close()
    await deleteNamespace(namespace)
  })

  it('gets the message redelivered, and its effect happens once', async () => {
    namespace = testNamespace()
    const dir = mkdtempSync(join(tmpdir(), 'oms-crash-'))
    const env = {
      ...process.env,
      AMQP_URL: RABBIT_URL,
      AMQP_NAMESPACE: namespace,
      LOG_FILE: join(dir, 'log'),
      EFFECTS_FILE: join(dir, 'effects'),
      WORK_MS: '1500',
    }
    const startConsumer = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/slow-consumer.ts'], {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      children.push(child)
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
        child.once('exit', (code) => reject(new Error(`consumer exited early (${code})`)))
      })
      return child
    }

    const first = await startConsumer()
    bus = await amqpBus({ url: RABBIT_URL, namespace, retryDelaysMs: [200], log: silentLogger })
    const eventId = `evt-crash-${namespace}`
    const paid: EventBody<'order.paid'> = {
      eventId,
      orderId: 'o-1',
      customerId: 'ann',
      occurredAt: new Date().toISOString(),
    }
    await bus.publish('order.paid', paid)

    await waitFor(() => (read(env.LOG_FILE).includes(`start ${eventId}`) ? true : undefined), {
      what: 'the handler to start',
    })
    first.kill('SIGKILL')
    await new Promise((resolve) => first.once('exit', resolve))
    expect(read(env.EFFECTS_FILE)).toEqual([])

    await startConsumer()
    await waitFor(() => (read(env.LOG_FILE).includes(`done ${eventId}`) ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the redelivered message to be handled',
    })
    expect(read(env.LOG_FILE)).toEqual([`start ${eventId}`, `start ${eventId}`, `done ${eventId}`])
    expect(read(env.EFFECTS_FILE)).toEqual([eventId])
  })
})
