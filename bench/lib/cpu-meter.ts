/**
 * CPU time of named groups of processes over a window: each group is a source of (pid → CPU
 * microseconds used so far); a process that appears during the window counts from zero, one
 * that ends during it is lost (the groups measured keep their processes).
 */
import { readdir, readFile } from 'node:fs/promises'
import { cpuMicros } from './proc.ts'

/** The processes of a group and the CPU time each has used so far (µs). */
export type CpuSource = () => Promise<Map<number, number>>

export type CpuSnapshot = Record<string, Map<number, number>>

/** One process (none when its id is unknown). */
export const pidSource =
  (pid: () => number | undefined): CpuSource =>
  async () => {
    const id = pid()
    const used = new Map<number, number>()
    if (id !== undefined) used.set(id, await cpuMicros(id).catch(() => 0))
    return used
  }

/** Every process whose command name (/proc/<pid>/comm) is `comm`, e.g. RabbitMQ's `beam.smp`. */
export const commSource =
  (comm: string): CpuSource =>
  async () => {
    const used = new Map<number, number>()
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() === comm)
          used.set(Number(entry), await cpuMicros(Number(entry)))
      } catch {} // gone meanwhile
    }
    return used
  }

export async function cpuSnapshot(sources: Record<string, CpuSource>): Promise<CpuSnapshot> {
  const entries = await Promise.all(
    Object.entries(sources).map(async ([name, source]) => [name, await source()] as const),
  )
  return Object.fromEntries(entries)
}

/** CPU microseconds each group used between the snapshots. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const used: Record<string, number> = {}
  for (const [name, now] of Object.entries(after)) {
    let sum = 0
    for (const [pid, micros] of now) sum += micros - (before[name]?.get(pid) ?? 0)
    used[name] = sum
  }
  return used
}
