/**
 * `oms dev`'s edit loop, on a copy of the project (so its edits touch no file of this
 * checkout): a bug parks a message; the fix goes live in place, with every order, reservation
 * and parked message kept, and `oms dlq replay` then finishes the order. A syntax error and a
 * type error are shown once, with file and line, while the last good build keeps serving;
 * atomic saves (a temporary file renamed over) are seen every time; a change of the runtime
 * starts a new process that keeps the state too; the next session keeps it, `--fresh` empties it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, waitFor } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'
import { copyProject } from './servers/project-copy.ts'

const CONSUMER = 'functions/payments/on-order-created.ts'
const BUG = "  if (orderId) throw new Error('bug: the line items are undefined')\n"

interface Dev {
  child: ChildProcess
  /** Everything it wrote so far. */
  log(): string
  stop(): Promise<void>
}

describe('oms dev', () => {
  let project: string
  let url: string
  let env: NodeJS.ProcessEnv
  let dev: Dev | undefined

  const startDev = async (args: string[] = []): Promise<Dev> => {
    const child = spawn(process.execPath, [join(project, 'bin/oms.js'), 'dev', ...args], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    // Its own lines (stderr) and the process's log lines (stdout), in the order they come.
    const collect = (chunk: Buffer) => {
      err += chunk.toString()
    }
    child.stderr?.on('data', collect)
    child.stdout?.on('data', collect)
    await waitFor(() => (/functions up/.test(err) ? true : undefined), {
      timeoutMs: 60_000,
      what: `oms dev to start\n${err}`,
    })
    return {
      child,
      log: () => err,
      async stop() {
        if (child.exitCode !== null) return
        child.kill('SIGINT')
        await new Promise((resolve) => child.once('exit', resolve))
      },
    }
  }
  const source = (file: string) => join(project, file)
  const edit = (file: string, change: (text: string) => string) =>
    writeFileSync(source(file), change(readFileSync(source(file), 'utf8')))
  /** Waits for the `n`th line matching `pattern` in the log. */
  const logged = (pattern: RegExp, n = 1, timeoutMs = 30_000) =>
    waitFor(
      () =>
        (dev?.log().match(new RegExp(pattern.source, 'g')) ?? []).length >= n ? true : undefined,
      { timeoutMs, what: `${pattern} ×${n} in\n${dev?.log()}` },
    )
  const count = (pattern: RegExp) =>
    (dev?.log().match(new RegExp(pattern.source, 'g')) ?? []).length
  const orderOf = async (id: string) => {
    const res = await fetch(`${url}/api/customers/ann/orders/${id}`)
    return res.status === 200
      ? ((await res.json()) as { order: { status: string; paymentLink?: string } }).order
      : undefined
  }
  const available = async (id: string) => {
    const menu = (await (await fetch(`${url}/api/menu`)).json()) as {
      items: { id: string; available: number }[]
    }
    return menu.items.find((i) => i.id === id)?.available
  }
  const parked = async () =>
    ((await (await fetch(`${url}/_oms/dlq`)).json()) as { messages: { id: string }[] }).messages

  beforeAll(async () => {
    project = copyProject()
    const port = await freePort()
    env = {
      ...process.env,
      PORT: String(port),
      GRPC_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      RETRY_DELAYS_MS: '20,20',
    }
    for (const name of [
      'MONGODB_URI',
      'AMQP_URL',
      'OMS_STORE_FILE',
      'OMS_BUS_FILE',
      'CONSUL_HTTP_ADDR',
    ])
      delete env[name]
    delete env.STRIPE_WEBHOOK_SECRET
    delete env.STRIPE_SECRET_KEY
    url = `http://127.0.0.1:${port}`
    edit(CONSUMER, (text) =>
      text.replace(/(const \{ orderId, customerId \} = event\n)/, `$1${BUG}`),
    )
    expect(readFileSync(source(CONSUMER), 'utf8')).toContain(BUG)
  })
  afterAll(async () => {
    await dev?.stop()
    rmSync(project, { recursive: true, force: true })
  })

  it('keeps the state across the fix of a bug, so the parked message can be replayed', async () => {
    dev = await startDev()
    expect(dev.log()).toContain('kept in .oms/dev/state across reloads and sessions')
    expect(dev.log()).toContain('the webhook secret is kept in .oms/dev/webhook-secret')
    expect(dev.log()).not.toContain('generated STRIPE_WEBHOOK_SECRET')

    const placed = await fetch(
      `${url}/api/customers/ann/orders`,
      post({ items: [{ id: 'brownie', quantity: 3 }] }),
    )
    expect(placed.status).toBe(201)
    const { order } = (await placed.json()) as { order: { id: string } }
    // The bug: the consumer that opens the checkout fails every try, and its message is parked.
    const [message] = await waitFor(async () =>
      (await parked()).length === 1 ? parked() : undefined,
    )
    expect(dev.log()).toContain('bug: the line items are undefined')
    expect(dev.log()).toContain(
      `oms dlq replay --function payments.on-order-created --id ${message?.id}`,
    )
    expect(await available('brownie')).toBe(37)

    // The fix, saved the way many editors do: a temporary file renamed over the original.
    const fixed = readFileSync(source(CONSUMER), 'utf8').replace(BUG, '')
    writeFileSync(`${source(CONSUMER)}.tmp`, fixed)
    renameSync(`${source(CONSUMER)}.tmp`, source(CONSUMER))
    await logged(/on-order-created\.ts: live in \d+ ms/)
    // Nothing was lost: the order, its reservation, the parked message.
    expect((await orderOf(order.id))?.status).toBe('pending')
    expect(await available('brownie')).toBe(37)
    expect((await parked()).map((m) => m.id)).toEqual([message?.id])

    const replay = await fetch(`${url}/_oms/dlq/replay`, post({ id: message?.id }))
    expect(await replay.json()).toEqual({ replayed: 1 })
    const paying = await waitFor(async () => {
      const o = await orderOf(order.id)
      return o?.paymentLink ? o : undefined
    })
    expect(paying.paymentLink).toContain('/checkout/')
    expect(await parked()).toEqual([])
  }, 120_000)

  it('serves the pages and their bundled client code, as run from source', async () => {
    for (const path of ['/', '/kitchen', '/admin', '/assets/storefront.js', '/assets/kitchen.js']) {
      const res = await fetch(`${url}${path}`)
      expect(res.status, path).toBe(200)
    }
    expect(await (await fetch(`${url}/assets/kitchen.js`)).text()).toContain('/api/kitchen/stream')
  })

  it('shows a syntax error and a type error once, with file and line, and serves on', async () => {
    const file = 'functions/menu/get-items.ts'
    const good = readFileSync(source(file), 'utf8')
    writeFileSync(source(file), `${good}\nexport const broken = (\n`)
    await logged(
      /the build failed; the last good build keeps serving:\n {2}functions\/menu\/get-items\.ts:\d+:\d+/,
    )
    expect((await fetch(`${url}/api/menu`)).status).toBe(200)
    // Saving the same mistake again says nothing new.
    writeFileSync(source(file), `${good}\nexport const broken = (\n`)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(count(/the build failed/)).toBe(1)

    writeFileSync(source(file), `${good}\nexport const count: number = 'three'\n`)
    await logged(
      /type errors; the last good build keeps serving:\n {2}functions\/menu\/get-items\.ts:\d+:\d+ {2}Type 'string' is not assignable to type 'number'/,
    )
    expect((await fetch(`${url}/api/menu`)).status).toBe(200)

    writeFileSync(source(file), good)
    await logged(/oms dev: fixed/)
    await logged(/get-items\.ts: live in \d+ ms/)
    expect((await fetch(`${url}/api/menu`)).status).toBe(200)
  }, 120_000)

  it('sees every atomic save of a file', async () => {
    const file = 'functions/menu/get-item.ts'
    const before = count(/get-item\.ts: live in/)
    for (let i = 1; i <= 3; i++) {
      const text = `${readFileSync(source(file), 'utf8')}\n// save ${i}\n`
      writeFileSync(`${source(file)}.tmp`, text)
      renameSync(`${source(file)}.tmp`, source(file))
      await logged(/get-item\.ts: live in \d+ ms/, before + i)
    }
  }, 120_000)

  it('keeps the state when a runtime change starts a new process, and in the next session unless --fresh', async () => {
    const orders = async () =>
      ((await (await fetch(`${url}/api/customers/ann/orders`)).json()) as { orders: unknown[] })
        .orders
    expect(await orders()).toHaveLength(1)
    edit('runtime/model/retry-later.ts', (text) => `${text}\n// a runtime change\n`)
    await logged(/changed the runtime; starting a new process/)
    await logged(/retry-later\.ts: live in \d+ ms/)
    expect(await orders()).toHaveLength(1)
    expect(await available('brownie')).toBe(37)

    await dev?.stop()
    dev = await startDev()
    expect(await orders()).toHaveLength(1)
    await dev.stop()
    dev = await startDev(['--fresh'])
    expect(await orders()).toHaveLength(0)
    expect(await available('brownie')).toBe(40)
  }, 180_000)
})
