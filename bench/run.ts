/**
 * `npm run bench`: runs the benchmarks one after another (never two at once), prints one
 * table and writes bench/results.json with the machine they ran on.
 *
 *   npm run bench                          every benchmark, full length (a few minutes)
 *   npm run bench -- --quick               CI smoke mode: a few seconds each, only proves they work
 *   npm run bench -- --only http,grpc      some of them (names below)
 *   npm run bench -- --cpu-prof [dir]      also write CPU profiles of the servers under test
 *
 * A benchmark that fails is reported and the others still run; the exit code is then 1.
 */
import { writeFile } from 'node:fs/promises'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { rabbitAvailable } from '../test/servers/rabbitmq.ts'
import { amqpBench } from './amqp-throughput.ts'
import { cliStartupBench } from './cli-startup.ts'
import { coldStartBench } from './cold-start.ts'
import { deploymentBench } from './deployment.ts'
import { devReloadBench } from './dev-reload.ts'
import { endToEndBench } from './end-to-end.ts'
import { grpcBench } from './grpc.ts'
import { httpBench } from './http.ts'
import { latencyBench } from './latency.ts'
import { removeBundles } from './lib/bundles.ts'
import { profileChildren } from './lib/child.ts'
import { RABBIT_URL } from './lib/env.ts'
import { type Benchmark, formatTable, type Outcome, type Row } from './lib/report.ts'
import { memoryBench } from './memory.ts'
import { tracingCostBench } from './tracing-cost.ts'

const BENCHMARKS: readonly Benchmark[] = [
  httpBench,
  grpcBench,
  amqpBench,
  endToEndBench,
  latencyBench,
  coldStartBench,
  memoryBench,
  tracingCostBench,
  cliStartupBench,
  devReloadBench,
  deploymentBench,
]
/** Those that need the broker at RABBIT_URL. */
const NEEDS_RABBITMQ = new Set([
  'amqp',
  'end-to-end',
  'latency',
  'cold-start',
  'memory',
  'deployment',
])
/** Load average per core above which a warning says the figures may suffer (the benchmarks
 * themselves keep about one per core busy). */
const BUSY_LOAD_PER_CORE = 1.5
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: true,
})
const names = BENCHMARKS.map((b) => b.name)
if (values.help) {
  console.log(`usage: npm run bench -- [--quick] [--only ${names.join(',')}] [--cpu-prof]`)
  process.exit(0)
}
const only = values.only?.split(',').map((s) => s.trim()) ?? []
const unknown = only.filter((name) => !names.includes(name))
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${names.join(', ')}`)
  process.exit(2)
}
const selected = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name))
const quick = values.quick
if (values['cpu-prof']) {
  const dir = join(tmpdir(), `oms-bench-profiles-${Date.now()}`)
  profileChildren(dir)
  console.log(`CPU profiles of the servers under test go to ${dir}`)
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  node: process.version,
  os: `${process.platform} ${release()}`,
  date: new Date().toISOString(),
}
console.log(
  `${quick ? 'quick (smoke) run' : 'full run'} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}`,
)
// The figures are meant for the Node the image and CI run (trace context costs differ a lot).
if (Number(process.versions.node.split('.')[0]) < 24)
  console.log(
    `  note: Node ${machine.node} is not Node 24, which the image and CI run; put it first on PATH (bash .ci/install-node.sh prints where it is) for comparable figures`,
  )

const rabbit =
  selected.some((b) => NEEDS_RABBITMQ.has(b.name)) && !(await rabbitAvailable())
    ? `RabbitMQ does not answer at ${RABBIT_URL}`
    : undefined

const startedAt = performance.now()
const rows: Row[] = []
const results: Record<string, unknown> = {}
let failed = 0
for (const bench of selected) {
  const t0 = performance.now()
  const load = loadavg()[0]?.toFixed(2)
  process.stdout.write(`\n▶ ${bench.name}: ${bench.title} (load average ${load}) ...\n`)
  // Other work on the machine takes cores from the servers under test (there are only a few).
  if (Number(load) > machine.cores * BUSY_LOAD_PER_CORE)
    console.warn(
      `  note: the machine is busy (load ${load} on ${machine.cores} cores); figures may be low`,
    )
  if (rabbit && NEEDS_RABBITMQ.has(bench.name)) {
    console.log(`  skipped: ${rabbit}`)
    results[bench.name] = { skipped: rabbit }
    continue
  }
  try {
    const missing = await bench.unavailable?.()
    if (missing) {
      console.log(`  skipped: ${missing}`)
      results[bench.name] = { skipped: missing }
      continue
    }
    const outcome: Outcome = await bench.run({ quick })
    const seconds = (performance.now() - t0) / 1000
    rows.push(...outcome.rows)
    results[bench.name] = {
      seconds,
      loadAverageBefore: Number(load),
      rows: outcome.rows,
      ...outcome.details,
    }
    console.log(formatTable(outcome.rows))
    console.log(`  (${seconds.toFixed(1)} s)`)
  } catch (err) {
    failed++
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err)
    results[bench.name] = { error: message }
    console.error(`  FAILED: ${message}`)
  }
}
await removeBundles()

const seconds = (performance.now() - startedAt) / 1000
console.log(`\n${formatTable(rows)}`)
console.log(
  `\n${selected.length} benchmark(s) in ${seconds.toFixed(0)} s; ${failed} failed; results in bench/results.json`,
)
await writeFile(
  RESULTS,
  `${JSON.stringify({ machine, quick, seconds, benchmarks: results }, null, 2)}\n`,
)
process.exitCode = failed > 0 ? 1 : 0
