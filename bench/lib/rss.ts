/** Resident memory of processes, sampled from /proc/<pid>/status (VmRSS). */
import { readFile } from 'node:fs/promises'

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
