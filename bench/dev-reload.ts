/**
 * 9. `oms dev`'s save-to-live: on a copy of the project, a one-file change of a function is
 * saved (each save a real edit, alternately written in place and renamed over the file, as
 * editors do), and the time runs until `oms dev` says the new build serves — built, its types
 * checked, and swapped in. The first change waits until the session's whole-project type check
 * is done, as a developer's first edit usually does. The baseline, measured in the same run,
 * is what a reload cost before: starting a new `oms start --all` process until its banner.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '../test/servers/free-port.ts'
import { copyProject } from '../test/servers/project-copy.ts'
import { benchEnv } from './lib/env.ts'
import { median, quantile } from './lib/load.ts'
import { type Benchmark, n0, type Row, times } from './lib/report.ts'

const GOAL_MS = 500
const TIMEOUT_MS = 120_000
/** Edited in turn: a function's own file, and a helper two functions import. */
const FILES = ['functions/menu/get-items.ts', 'functions/orders/lib/find-order.ts']

interface Watched {
  child: ChildProcess
  output(): string
  /** Resolves when `pattern` has matched `n` times in all. */
  seen(pattern: RegExp, n?: number): Promise<void>
  stop(): Promise<void>
}

function run(project: string, args: string[], env: Record<string, string>): Watched {
  const child = spawn(process.execPath, [join(project, 'bin/oms.js'), ...args], {
    cwd: project,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let text = ''
  const waiters = new Set<() => void>()
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString()
    for (const w of [...waiters]) w()
  })
  return {
    child,
    output: () => text,
    seen(pattern, n = 1) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out waiting for ${pattern} in:\n${text.slice(-2000)}`))
        }, TIMEOUT_MS)
        const check = () => {
          if ((text.match(new RegExp(pattern.source, 'g')) ?? []).length < n) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve()
        }
        waiters.add(check)
        check()
      })
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGINT')
      await new Promise((resolve) => child.once('exit', resolve))
    },
  }
}

async function envFor(): Promise<Record<string, string>> {
  return benchEnv({ PORT: String(await freePort()), GRPC_PORT: String(await freePort()) })
}

export const devReloadBench: Benchmark = {
  name: 'dev-reload',
  title: 'oms dev: save-to-live of a one-file change, against a process restart',
  async run({ quick }) {
    const project = copyProject('oms-bench-dev-')
    try {
      // Baseline: what every save cost when oms dev restarted its process.
      const restarts: number[] = []
      for (let i = 0; i < (quick ? 1 : 3); i++) {
        const started = performance.now()
        const start = run(project, ['start', '--all'], await envFor())
        await start.seen(/functions up/)
        restarts.push(performance.now() - started)
        await start.stop()
      }

      const dev = run(
        project,
        ['dev', '--state', join(project, '.oms/bench-state')],
        await envFor(),
      )
      await dev.seen(/functions up/)
      await dev.seen(/types checked in|type errors/)
      const lives: number[] = []
      const saves = quick ? 2 : 12
      for (let i = 1; i <= saves; i++) {
        const file = join(project, FILES[i % FILES.length] as string)
        const text = `${readFileSync(file, 'utf8')}\n// edit ${i}\n`
        const before = (dev.output().match(/: live in \d+ ms/g) ?? []).length
        const started = performance.now()
        if (i % 2 === 0) {
          writeFileSync(file, text)
        } else {
          writeFileSync(`${file}.tmp`, text)
          renameSync(`${file}.tmp`, file)
        }
        await dev.seen(/: live in \d+ ms/, before + 1)
        lives.push(performance.now() - started)
        // Quiet between saves, as between a developer's edits.
        await new Promise((resolve) => setTimeout(resolve, 300))
      }
      await dev.stop()

      const sorted = [...lives].sort((a, b) => a - b)
      const live = median(lives)
      const restart = median(restarts)
      const rows: Row[] = [
        {
          id: 9,
          what: 'oms dev save-to-live, one-file change (median)',
          value: `${n0(live)} ms`,
          baseline: `${n0(restart)} ms restart`,
          ratio: times(live / restart),
          goal: `< ${GOAL_MS} ms`,
          met: live < GOAL_MS,
          note: `${saves} saves; p90 ${n0(quantile(sorted, 0.9))} ms, max ${n0(sorted.at(-1) ?? 0)} ms; built, type-checked, swapped`,
        },
      ]
      const reported = dev.output().match(/: live in .*\n/g) ?? []
      return { rows, details: { saveToLiveMs: lives, restartMs: restarts, reported } }
    } finally {
      rmSync(project, { recursive: true, force: true })
    }
  },
}
