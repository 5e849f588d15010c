/**
 * 10. How fast the `oms` command answers: spawning `node bin/oms.js <args>` until it exits,
 * the median of several runs, next to spawning `node -e ""` in the same environment. `--help`
 * and `invoke --help` run the prebuilt shell only; `ls` reads the catalog (node_modules/.cache/
 * oms/catalog.json). "ls after a change" removes the catalog first, as any change of a source
 * does, so the functions are loaded through the TypeScript loader again (reported, no goal).
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { CATALOG_FILE } from '../runtime/cli/catalog-cache.ts'
import { ROOT } from '../runtime/cli/paths.ts'
import { benchEnv } from './lib/env.ts'
import { median } from './lib/load.ts'
import { type Benchmark, n0, type Row, times } from './lib/report.ts'

const GOAL_MS = 300
const OMS = join(ROOT, 'bin', 'oms.js')

/** Milliseconds from spawning `node <args>` to its exit (which must be 0). */
async function spawned(args: readonly string[]): Promise<number> {
  const start = performance.now()
  const child = spawn(process.execPath, args, { cwd: ROOT, env: benchEnv(), stdio: 'ignore' })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  const ms = performance.now() - start
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}`)
  return ms
}

async function medianOf(runs: number, args: readonly string[], before?: () => void) {
  const list: number[] = []
  for (let i = 0; i < runs; i++) {
    before?.()
    list.push(await spawned(args))
  }
  return { median: median(list), runs: list }
}

export const cliStartupBench: Benchmark = {
  name: 'cli',
  title: 'oms --help and oms ls, spawn to exit',
  async run({ quick }) {
    const runs = quick ? 3 : 15
    // Warm the OS file cache, the prebuilt shell and the catalog.
    await spawned([OMS, 'ls'])
    const node = await medianOf(runs, ['-e', ''])
    const commands = {
      'oms --help': [OMS, '--help'],
      'oms invoke --help': [OMS, 'invoke', '--help'],
      'oms ls': [OMS, 'ls'],
    }
    const measured: Record<string, { median: number; runs: number[] }> = {}
    for (const [what, args] of Object.entries(commands)) measured[what] = await medianOf(runs, args)
    const coldRuns = quick ? 1 : 3
    const afterChange = await medianOf(coldRuns, [OMS, 'ls'], () =>
      rmSync(CATALOG_FILE, { force: true }),
    )
    const baseline = `${n0(node.median)} ms (node -e "")`
    const rows: Row[] = Object.entries(measured).map(([what, m]) => ({
      id: 10,
      what,
      value: `${n0(m.median)} ms`,
      baseline,
      ratio: times(m.median / node.median),
      goal: `< ${GOAL_MS} ms`,
      met: m.median < GOAL_MS,
      note: `median of ${runs}`,
    }))
    rows.push({
      id: 10,
      what: 'oms ls after a change (catalog made again)',
      value: `${n0(afterChange.median)} ms`,
      baseline,
      ratio: times(afterChange.median / node.median),
      note: `median of ${coldRuns}; loads every function through tsx`,
    })
    return { rows, details: { runs, node, measured, afterChange } }
  },
}
