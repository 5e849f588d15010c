/**
 * Jaeger for the tracing test: one already answering on 127.0.0.1:16686, or the binary built
 * by .ci/install-jaeger.sh started here (its default all-in-one: OTLP on 4317/4318, query API
 * on 16686, memory storage). Without it, tests skip with a printed reason — a failure under CI.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { goBin } from './go-bin.ts'

export const JAEGER_BIN = process.env.JAEGER_BIN ?? join(goBin(), 'jaeger')
export const JAEGER_QUERY = 'http://127.0.0.1:16686'
export const JAEGER_OTLP = 'http://127.0.0.1:4318'

const answers = async () => {
  try {
    return (await fetch(`${JAEGER_QUERY}/api/services`)).ok
  } catch {
    return false
  }
}

export async function jaegerUnavailable(): Promise<string | undefined> {
  if (existsSync(JAEGER_BIN) || (await answers())) return undefined
  const reason = `no Jaeger answering at ${JAEGER_QUERY} and no binary at ${JAEGER_BIN} (build it with .ci/install-jaeger.sh)`
  if (process.env.CI) throw new Error(`Jaeger test cannot run: ${reason}`)
  console.warn(`skipping the Jaeger test: ${reason}`)
  return reason
}

/** Starts Jaeger unless one answers already; `stop` stops only what was started here. */
export async function startJaeger(): Promise<{ stop(): Promise<void> }> {
  if (await answers()) return { stop: async () => {} }
  const child: ChildProcess = spawn(JAEGER_BIN, [], { stdio: 'ignore' })
  const deadline = Date.now() + 20_000
  while (!(await answers())) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('Jaeger did not start')
    await new Promise((r) => setTimeout(r, 200))
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
