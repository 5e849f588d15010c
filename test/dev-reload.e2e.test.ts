/**
 * `oms dev` keeps the embedded store across its reloads: an order placed before a code change
 * is still there, with its stock still reserved, after the process restarted; the session's
 * store file is removed when `oms dev` stops, so the next session starts from the default menu.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { post, waitFor } from './fixtures.ts'
import { freePort } from './servers/free-port.ts'

const ROOT = join(import.meta.dirname, '..')
/** A file in a watched folder, written to make oms dev reload. */
const TOUCHED = join(ROOT, 'shared', `.dev-reload-${process.pid}.txt`)

describe('oms dev', () => {
  let child: ChildProcess | undefined
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT')
      await new Promise((resolve) => child?.once('exit', resolve))
    }
    await rm(TOUCHED, { force: true })
  })

  it('keeps orders and reservations across a reload, and forgets them when it stops', async () => {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    }
    delete env.MONGODB_URI
    delete env.OMS_STORE_FILE
    delete env.STRIPE_WEBHOOK_SECRET
    delete env.STRIPE_SECRET_KEY
    child = spawn(process.execPath, [join(ROOT, 'bin/oms.js'), 'dev'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    const banners = () => err.split('functions up').length - 1
    await waitFor(() => (banners() >= 1 ? true : undefined), { timeoutMs: 20_000, what: 'oms dev' })
    const file = /kept in (\S+) across reloads/.exec(err)?.[1]
    expect(file).toBe(`.oms/dev/store-${child.pid}.json`)
    // The webhook secret is the checkout's own, not one made for this run.
    expect(err).toContain('the webhook secret is kept in .oms/dev/webhook-secret')
    expect(err).not.toContain('generated STRIPE_WEBHOOK_SECRET')

    const url = `http://127.0.0.1:${port}`
    const placed = await fetch(
      `${url}/api/customers/ann/orders`,
      post({ items: [{ id: 'brownie', quantity: 3 }] }),
    )
    expect(placed.status).toBe(201)
    const { order } = (await placed.json()) as { order: { id: string } }
    const available = async () => {
      const menu = (await (await fetch(`${url}/api/menu`)).json()) as {
        items: { id: string; available: number }[]
      }
      return menu.items.find((i) => i.id === 'brownie')?.available
    }
    expect(await available()).toBe(37)

    // A change to watched code: the process restarts. The file is written until the watcher
    // reports it (a file made and gone at once can slip past a busy machine's watcher).
    // It is removed once oms dev has stopped, so its removal restarts nothing mid-test.
    await waitFor(
      async () => {
        await writeFile(TOUCHED, `reload ${Date.now()}`)
        return /changed; restarting/.test(err) ? true : undefined
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the change to be seen' },
    )
    await waitFor(() => (banners() >= 2 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a reload',
    })

    const again = await waitFor(async () => {
      const res = await fetch(`${url}/api/customers/ann/orders/${order.id}`).catch(() => undefined)
      return res?.status === 200 ? ((await res.json()) as { order: { status: string } }) : undefined
    })
    expect(again.order.status).toBe('pending')
    expect(await available()).toBe(37)

    child.kill('SIGINT')
    await new Promise((resolve) => child?.once('exit', resolve))
    expect(existsSync(join(ROOT, file ?? ''))).toBe(false)
  }, 60_000)
})
