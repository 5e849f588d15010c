/** Resident memory and CPU time of processes, read from /proc/<pid>/status and /stat. */
import { readFile } from 'node:fs/promises'

/** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
const TICKS_PER_SECOND = 100

/** CPU time (user + system) a process has used, in microseconds (10 ms resolution). */
export async function cpuMicros(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may hold spaces) start at state, the 3rd field.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1e6) / TICKS_PER_SECOND
}

/** A process's resident set size in bytes (NaN when it cannot be read). */
export async function rssBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    const kib = status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1]
    return kib ? Number(kib) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

export interface RssSampler {
  /** Stops sampling; resolves with every sample taken, per name. */
  stop(): Promise<Record<string, number[]>>
}

/** Samples each named process every `everyMs` until stopped. */
export function sampleRss(pids: Record<string, number>, everyMs = 200): RssSampler {
  const samples: Record<string, number[]> = Object.fromEntries(
    Object.keys(pids).map((name) => [name, []]),
  )
  const take = async () => {
    for (const [name, pid] of Object.entries(pids)) samples[name]?.push(await rssBytes(pid))
  }
  let running = take()
  const timer = setInterval(() => {
    running = running.then(take)
  }, everyMs)
  return {
    async stop() {
      clearInterval(timer)
      await running
      return samples
    },
  }
}
