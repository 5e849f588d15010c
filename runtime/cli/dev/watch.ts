/**
 * Watches folders recursively and reports a burst of changes once, after it settles, so a
 * save that touches several files (or a formatter run) restarts `oms dev` once.
 */
import { type FSWatcher, watch } from 'node:fs'
import { join } from 'node:path'

/** Quiet time after the last change before reporting (default 200 ms). */
export const DEBOUNCE_MS = 200

/** Editor swap and backup files, tests and dependencies: changes that do not change the process. */
const IGNORED =
  /(^|[/\\])(node_modules|\.git)([/\\]|$)|\.test\.ts$|\.sw[px]$|~$|(^|[/\\])(\.#[^/\\]*|4913)$/

export interface Watcher {
  close(): void
}

/** Calls `onChange` with the first changed path of each settled burst. */
export function watchDirs(
  dirs: readonly string[],
  onChange: (path: string) => void,
  debounceMs = DEBOUNCE_MS,
): Watcher {
  let timer: NodeJS.Timeout | undefined
  let first: string | undefined
  const changed = (dir: string, file: string | null) => {
    const path = file ? join(dir, file) : dir
    if (IGNORED.test(path)) return
    first ??= path
    clearTimeout(timer)
    timer = setTimeout(() => {
      const path = first as string
      first = undefined
      onChange(path)
    }, debounceMs)
  }
  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true }, (_event, file) => changed(dir, file)),
  )
  return {
    close() {
      clearTimeout(timer)
      for (const w of watchers) w.close()
    },
  }
}
