/**
 * `oms dev`'s parent process: runs `oms start` as a child and restarts it when the code
 * changes. The child runs in its own process group, so a terminal's Ctrl-C reaches only the
 * parent, which forwards one SIGTERM; the child also stops if the parent disappears.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { BIN_PATH, ROOT, watchedDirs } from '../paths.ts'
import { STOP_TIMEOUT_MS, shutdownRequested } from '../shutdown.ts'
import { keptWebhookSecret } from './dev-secret.ts'
import { DEBOUNCE_MS, watchDirs } from './watch.ts'

export interface SupervisorOptions {
  /** The child's `oms start` arguments (default: `--all`). */
  startArgs?: readonly string[]
  /** Folders whose changes restart the child (default: functions, runtime, shared, proto/gen). */
  dirs?: readonly string[]
  debounceMs?: number
  /** How long the child may take to stop before it is killed (default: its own bound + 5 s). */
  killAfterMs?: number
  /**
   * The file the embedded store is kept in across restarts of the child, removed when the
   * session ends (default: one under .oms/dev/ per session, unless MONGODB_URI or
   * OMS_STORE_FILE is set — then that is used as it is).
   */
  storeFile?: string
}

/** The embedded store's file for this session, or undefined when the user chose the store. */
function sessionStoreFile(): string | undefined {
  if (process.env.MONGODB_URI || process.env.OMS_STORE_FILE) return undefined
  return join(ROOT, '.oms', 'dev', `store-${process.pid}.json`)
}

const say = (text: string) => process.stderr.write(`oms dev: ${text}\n`)

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function supervise(options: SupervisorOptions = {}): Promise<number> {
  const { startArgs = ['--all'], dirs = watchedDirs(), debounceMs = DEBOUNCE_MS } = options
  const killAfterMs = options.killAfterMs ?? STOP_TIMEOUT_MS + 5000
  // Reloads keep the data: every child of this session uses the same embedded store file.
  const storeFile = options.storeFile ?? sessionStoreFile()
  // Its local tools (`oms dlq` against it) answer callers on this host without a token.
  // The local checkout's webhook secret outlives reloads and sessions, unless one is set.
  const secretFile = join(ROOT, '.oms', 'dev', 'webhook-secret')
  const keepSecret = !process.env.STRIPE_WEBHOOK_SECRET && !process.env.STRIPE_SECRET_KEY
  const env = {
    ...process.env,
    OMS_OPS_LOOPBACK: 'true',
    ...(storeFile && { OMS_STORE_FILE: storeFile }),
    ...(keepSecret && { STRIPE_WEBHOOK_SECRET: keptWebhookSecret(secretFile) }),
  }
  const stopAsked = shutdownRequested()
  let child: { process: ChildProcess; exited: Promise<number | null> } | undefined
  let stopping = false
  let killed = false

  const spawnChild = () => {
    const proc = spawn(process.execPath, [BIN_PATH, 'start', ...startArgs], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
      env,
    })
    const exited = new Promise<number | null>((resolve) => {
      proc.once('exit', (code, signal) => {
        if (child?.process === proc) {
          child = undefined
          if (!stopping)
            say(`the process exited (${signal ?? `code ${code}`}); waiting for a change to restart`)
        }
        resolve(code)
      })
    })
    child = { process: proc, exited }
  }

  const stopChild = async () => {
    const current = child
    if (!current) return
    child = undefined // an expected exit, not a crash to report
    current.process.kill('SIGTERM')
    const timer = setTimeout(() => {
      killed = true
      say(`the process did not stop within ${killAfterMs / 1000}s; killing it`)
      current.process.kill('SIGKILL')
    }, killAfterMs)
    await current.exited
    clearTimeout(timer)
  }

  // Restarts run one after another, never overlapping, so the port is free for the next child.
  let restarts = Promise.resolve()
  const watcher = watchDirs(
    dirs,
    (path) => {
      restarts = restarts.then(async () => {
        if (stopping) return
        say(`${relative(ROOT, path)} changed; restarting`)
        await stopChild()
        if (!stopping) spawnChild()
      })
    },
    debounceMs,
  )
  say(`watching ${dirs.map((d) => relative(ROOT, d)).join(', ')}`)
  if (storeFile) say(`the embedded store is kept in ${relative(ROOT, storeFile)} across reloads`)
  say('its operator routes (/_oms/*, for oms dlq) answer callers on this host without ADMIN_TOKEN')
  if (keepSecret) say(`the webhook secret is kept in ${relative(ROOT, secretFile)}`)
  spawnChild()

  await stopAsked
  stopping = true
  watcher.close()
  await restarts
  await stopChild()
  // A new session starts from the seed data again.
  if (storeFile && !options.storeFile) rmSync(storeFile, { force: true })
  return killed ? 1 : 0
}
