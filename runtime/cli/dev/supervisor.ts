/**
 * `oms dev`'s parent process. It builds the functions (dev-build.ts), checks their types
 * (type-check.ts) and runs them in a child process (dev-host.ts) that keeps the store and
 * the bus. On a change it builds again and checks the types of what the change affects,
 * while the child imports the new build; only a build that passes both replaces the running
 * one, so a mistake is shown (file, line, message, once) and the last good build serves on.
 * A change of the runtime itself (runtime/, or what of shared/ the runtime imports) starts a
 * new child; the store and the bus are kept in files under the state folder, so that loses
 * nothing either. The child runs in its own process group, so a terminal's Ctrl-C reaches
 * only this process, which stops the child; the child also stops if this process disappears.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { ROOT, watchedDirs } from '../paths.ts'
import { STOP_TIMEOUT_MS, shutdownRequested } from '../shutdown.ts'
import { type BuildOutcome, createDevBuild } from './dev-build.ts'
import type { HostMessage, ParentMessage } from './dev-protocol.ts'
import { keptCredential, keptWebhookSecret } from './dev-secret.ts'
import { formatSourceErrors, type SourceError } from './source-error.ts'
import { startTypeCheck, type TypeCheck } from './type-check.ts'
import { watchDirs } from './watch.ts'

export interface SupervisorOptions {
  /** Functions or domains to host (default: all). */
  selectors?: readonly string[]
  /** Folders whose changes reload (default: functions, runtime, shared, proto/gen). */
  dirs?: readonly string[]
  debounceMs?: number
  /** How long the child may take to stop before it is killed (default: its own bound + 5 s). */
  killAfterMs?: number
  /**
   * Where the embedded store and bus are kept between reloads and sessions (default
   * .oms/dev/state); not used for a real store or bus (MONGODB_URI, AMQP_URL) or for one the
   * user placed (OMS_STORE_FILE, OMS_BUS_FILE).
   */
  stateDir?: string
  /** Start from empty state: the kept store and bus are removed first. */
  fresh?: boolean
  /** Check types before a reload (default true). */
  typeCheck?: boolean
}

/** Reloads in place before one starts a new process (on the kept state) instead. */
const MAX_IN_PLACE = 100
const say = (text: string) => process.stderr.write(`oms dev: ${text}\n`)
const DEV_HOST = join(ROOT, 'runtime', 'cli', 'dev', 'dev-host.ts')
const rel = (path: string) => relative(ROOT, path) || path

interface Host {
  process: ChildProcess
  exited: Promise<number | null>
  /** The next message of `type` about `gen` (or any message of that type). */
  next(types: readonly HostMessage['type'][], gen?: number): Promise<HostMessage>
  send(message: ParentMessage): void
}

/** Credentials `oms dev` makes and keeps when unset, and what each signs in to. */
const DEV_CREDENTIALS = [
  {
    env: 'ADMIN_TOKEN',
    file: 'admin-token',
    what: 'admin sign-in (every staff screen and the admin API)',
  },
  { env: 'STAFF_TOKEN', file: 'staff-token', what: 'staff sign-in (the staff screens)' },
] as const

/** Runs until SIGINT or SIGTERM; resolves with the exit code. */
export async function supervise(options: SupervisorOptions = {}): Promise<number> {
  const { selectors = [], dirs = watchedDirs(), debounceMs } = options
  const killAfterMs = options.killAfterMs ?? STOP_TIMEOUT_MS + 5000
  const stateDir = options.stateDir ?? join(ROOT, '.oms', 'dev', 'state')
  const storeFile =
    !process.env.MONGODB_URI && !process.env.OMS_STORE_FILE
      ? join(stateDir, 'store.json')
      : undefined
  const busFile =
    !process.env.AMQP_URL && !process.env.OMS_BUS_FILE ? join(stateDir, 'bus.json') : undefined
  if (options.fresh) {
    for (const file of [storeFile, busFile]) if (file) rmSync(file, { force: true })
  }
  mkdirSync(stateDir, { recursive: true })
  // The local checkout's webhook secret outlives reloads and sessions, unless one is set.
  const secretFile = join(ROOT, '.oms', 'dev', 'webhook-secret')
  const keepSecret = !process.env.STRIPE_WEBHOOK_SECRET && !process.env.STRIPE_SECRET_KEY
  // The sign-in credentials of the staff's screens, unless set: kept too.
  const credentials = DEV_CREDENTIALS.filter(({ env }) => !process.env[env]).map((c) => ({
    ...c,
    file: join(ROOT, '.oms', 'dev', c.file),
  }))
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Its local tools (`oms dlq`, the dashboard) answer callers on this host without a token.
    OMS_OPS_LOOPBACK: 'true',
    OMS_DASHBOARD: 'true',
    ...(storeFile && { OMS_STORE_FILE: storeFile }),
    ...(busFile && { OMS_BUS_FILE: busFile }),
    ...(keepSecret && { STRIPE_WEBHOOK_SECRET: keptWebhookSecret(secretFile) }),
    ...Object.fromEntries(credentials.map(({ env, file }) => [env, keptCredential(file)])),
  }
  const stopAsked = shutdownRequested()
  let stopping = false
  let killed = false
  let host: Host | undefined

  const spawnHost = async (): Promise<Host> => {
    const loader = import.meta.resolve('tsx/esm')
    const proc = spawn(process.execPath, ['--enable-source-maps', '--import', loader, DEV_HOST], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
      env,
      cwd: ROOT,
    })
    const waiting = new Set<(m: HostMessage | undefined) => void>()
    proc.on('message', (m: HostMessage) => {
      for (const w of [...waiting]) w(m)
    })
    const exited = new Promise<number | null>((resolve) => {
      proc.once('exit', (code, signal) => {
        for (const w of [...waiting]) w(undefined)
        if (host?.process === proc) {
          host = undefined
          if (!stopping)
            say(
              `the process exited (${signal ?? `code ${code}`}); it starts again at the next change`,
            )
        }
        resolve(code)
      })
    })
    const started: Host = {
      process: proc,
      exited,
      next(types, gen) {
        return new Promise((resolve, reject) => {
          const w = (m: HostMessage | undefined) => {
            if (!m) {
              waiting.delete(w)
              reject(new Error('the process exited'))
            } else if (
              types.includes(m.type) &&
              (gen === undefined || !('gen' in m) || m.gen === gen)
            ) {
              waiting.delete(w)
              resolve(m)
            }
          }
          waiting.add(w)
        })
      },
      send(message) {
        if (proc.connected) proc.send(message)
      },
    }
    host = started
    await started.next(['ready'])
    return started
  }

  const stopHost = async () => {
    const current = host
    if (!current) return
    host = undefined // an expected exit, not a crash to report
    current.process.kill('SIGTERM')
    const timer = setTimeout(() => {
      killed = true
      say(`the process did not stop within ${killAfterMs / 1000}s; killing it`)
      current.process.kill('SIGKILL')
    }, killAfterMs)
    await current.exited
    clearTimeout(timer)
  }

  // Each error report is shown once, however many saves repeat it.
  let lastReport = ''
  const report = (what: string, errors: readonly SourceError[]) => {
    const text = `${what}; the last good build keeps serving:\n${formatSourceErrors(errors)}`
    if (text !== lastReport) say(text)
    lastReport = text
  }

  const build = await createDevBuild({ root: ROOT, selectors })
  let types: TypeCheck | undefined
  if (options.typeCheck !== false) {
    try {
      await import('typescript')
      types = startTypeCheck(ROOT)
    } catch {
      say('TypeScript is not installed (npm install): reloads are not type-checked')
    }
  }
  let inputs = new Set<string>()
  let inPlace = 0
  // The banner is printed once a session; later processes only say they are live.
  let bannerShown = false

  // Only errors in what the process runs stop it: not those of tests, scripts or the CLI.
  const runs = (file: string) => inputs.has(file) || build.runtimeFiles.has(file)

  /** Builds, checks and puts the result live; `restart` runs it in a new process. */
  const reload = async (changed: readonly string[], restart: boolean, since: number) => {
    const checked = types?.check(changed)
    const built: BuildOutcome = await build.rebuild()
    if (!built.ok) {
      await checked?.catch(() => undefined)
      report('the build failed', built.errors)
      return
    }
    inputs = built.inputs
    // Every build imported stays loaded in the process: now and then a fresh one takes over.
    if (restart || !host || inPlace >= MAX_IN_PLACE) {
      inPlace = 0
      await stopHost()
      if (stopping) return
      try {
        await spawnHost()
      } catch {
        return
      }
    }
    const current = host as Host
    inPlace += 1
    current.send({ type: 'load', gen: built.gen, file: built.file })
    const loaded = await current.next(['loaded', 'failed'], built.gen).catch(() => undefined)
    const failedToRun = (err: Error) => {
      say(`the type check failed to run: ${err.message}`)
      return undefined
    }
    // The session's first build starts at once, while the whole project is checked (that takes
    // seconds); what the check finds is shown when it is done.
    if (changed.length === 0 && !bannerShown) {
      void checked?.then((result) => {
        const errors = result.errors.filter((e) => runs(resolve(ROOT, e.file)))
        if (errors.length > 0) report('type errors', errors)
        else say(`types checked in ${(result.ms / 1000).toFixed(1)} s: no errors`)
      }, failedToRun)
    }
    const typed =
      changed.length === 0 && !bannerShown ? undefined : await checked?.catch(failedToRun)
    if (!loaded) return
    if (loaded.type === 'failed') {
      await checked
      say(
        `the new build failed to load; the last good build keeps serving:\n  ${loaded.error.replaceAll('\n', '\n  ')}`,
      )
      lastReport = ''
      return
    }
    // The first build of a session starts at once; the whole project is still being checked.
    const typeErrors = typed?.errors.filter((e) => runs(resolve(ROOT, e.file))) ?? []
    if (typeErrors.length > 0) {
      current.send({ type: 'discard', gen: built.gen })
      report('type errors', typeErrors)
      return
    }
    current.send({ type: 'activate', gen: built.gen, banner: !bannerShown })
    bannerShown = true
    const outcome = await current.next(['live', 'failed'], built.gen).catch(() => undefined)
    if (!outcome) return
    if (outcome.type === 'failed') {
      say(
        `the new build failed to start; ${outcome.restored ? 'the last good build keeps serving' : 'nothing serves until the next change'}:\n  ${outcome.error.replaceAll('\n', '\n  ')}`,
      )
      lastReport = ''
      return
    }
    if (lastReport) say('fixed')
    lastReport = ''
    if (changed.length > 0) {
      const timing = `build ${built.ms} ms${typed ? `, types ${typed.ms} ms` : ''}, swap ${outcome.type === 'live' ? outcome.ms : 0} ms`
      say(
        `${changed.map(rel).join(', ')}: live in ${Math.round(performance.now() - since)} ms (${timing})`,
      )
    }
  }

  const isSource = (path: string) => /\.(ts|mts|js|mjs|json)$/.test(path)
  let pending = new Set<string>()
  let pendingSince = 0
  let running: Promise<void> | undefined
  const drain = async () => {
    while (pending.size > 0 && !stopping) {
      const changed = [...pending]
      const since = pendingSince
      pending = new Set()
      const restart = changed.some((p) => build.runtimeFiles.has(p))
      // A file no build read and no new function: nothing to do.
      const relevant = changed.some(
        (p) => restart || inputs.has(p) || (isSource(p) && p.startsWith(join(ROOT, 'functions'))),
      )
      if (!relevant) continue
      if (restart) say(`${changed.map(rel).join(', ')} changed the runtime; starting a new process`)
      try {
        await reload(changed, restart, since)
      } catch (err) {
        say(`the reload failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    running = undefined
  }
  const watcher = watchDirs(
    dirs,
    (paths) => {
      if (pending.size === 0) pendingSince = performance.now() - (debounceMs ?? 30)
      for (const p of paths) pending.add(p)
      running ??= drain()
    },
    debounceMs,
  )
  await watcher.ready
  say(`watching ${dirs.map(rel).join(', ')}`)
  if (storeFile || busFile)
    say(
      `the embedded store and bus are kept in ${rel(stateDir)} across reloads and sessions (oms dev --fresh starts empty)`,
    )
  say(
    'its operator routes (/_oms/*: the dashboard at /_oms/, oms dlq) answer callers on this host without ADMIN_TOKEN',
  )
  if (keepSecret) say(`the webhook secret is kept in ${rel(secretFile)}`)
  for (const { env: name, file, what } of credentials)
    say(`${what}: ${name}=${env[name]} (kept in ${rel(file)})`)
  running = reload([], true, performance.now()).then(() => drain())

  await stopAsked
  stopping = true
  await watcher.close()
  await running
  await stopHost()
  await Promise.allSettled([build.close(), types?.close()])
  return killed ? 1 : 0
}
