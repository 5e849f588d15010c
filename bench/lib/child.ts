/**
 * Bench servers run in child processes (TypeScript through tsx), so a load generator in this
 * process never shares their event loop. A child says where it listens, answers questions
 * (its CPU time, counters) over the IPC channel, and exits on SIGTERM — writing its CPU
 * profile first when the bench runs with --cpu-prof.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchEnv } from './env.ts'

/** Where children write CPU profiles (--cpu-prof), or undefined when not profiling. */
let profileDir: string | undefined

export function profileChildren(dir: string | undefined): void {
  profileDir = dir
}

/** Node flags for a process the bench spawns: --cpu-prof into `<profile folder>/<name>` when asked. */
export function profileFlags(name: string): string[] {
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : []
}

export interface ChildServer<Ready> {
  /** What the child sent when it was ready (its port, ...). */
  ready: Ready
  pid: number
  /** Asks the child a question its server answers (`cpu` is built in). */
  ask<T>(question: string): Promise<T>
  /** CPU time (user + system) the child has used so far, in microseconds. */
  cpuMicros(): Promise<number>
  stop(): Promise<void>
}

interface Answer {
  id: number
  result?: unknown
  error?: string
}

/** Starts `bench/servers/<script>.ts` with `args` and OMS variables `vars`; resolves once ready. */
export async function startChild<Ready>(
  script: string,
  args: string[] = [],
  vars: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<ChildServer<Ready>> {
  const file = fileURLToPath(new URL(`../servers/${script}.ts`, import.meta.url))
  const child: ChildProcess = fork(file, args, {
    execArgv: ['--import', 'tsx', ...profileFlags(`${script}-${args.join('-')}`)],
    env: benchEnv(vars),
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const pending = new Map<number, (answer: Answer) => void>()
  let nextId = 0
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`bench server ${script} did not start in ${timeoutMs} ms:\n${stderr}`))
    }, timeoutMs)
    child.on('message', (message: { ready?: Ready } & Partial<Answer>) => {
      if (message.ready !== undefined) {
        clearTimeout(timer)
        resolve(message.ready)
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message as Answer)
        pending.delete(message.id)
      }
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`bench server ${script} exited while starting:\n${stderr}`))
    })
  })
  const ask = <T>(question: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      pending.set(id, (a) => (a.error ? reject(new Error(a.error)) : resolve(a.result as T)))
      child.send({ id, question })
    })
  return {
    ready,
    pid: child.pid as number,
    ask,
    cpuMicros: () => ask<number>('cpu'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(force)
    },
  }
}
