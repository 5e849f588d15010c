/**
 * Watches folders (with chokidar, which sees a file again after an editor's atomic save — a
 * write to a temporary file renamed over it — where Node's recursive fs.watch loses it) and
 * reports a burst of changes once, after it settles, so a save that touches several files (or
 * a formatter run) reloads `oms dev` once.
 */
import { resolve } from 'node:path'
import { watch } from 'chokidar'

/** Quiet time after the last change before reporting (default 30 ms). */
export const DEBOUNCE_MS = 30

/** Editor swap and backup files, tests and dependencies: changes that do not change the process. */
const IGNORED =
  /(^|[/\\])(node_modules|\.git)([/\\]|$)|\.test\.ts$|\.sw[px]$|~$|(^|[/\\])(\.#[^/\\]*|4913)$|\.tmp$|\.crswap$/

export interface Watcher {
  /** Resolves once the folders are watched. */
  readonly ready: Promise<void>
  close(): Promise<void>
}

/** Calls `onChange` with the changed paths (absolute) of each settled burst. */
export function watchDirs(
  dirs: readonly string[],
  onChange: (paths: string[]) => void,
  debounceMs = DEBOUNCE_MS,
): Watcher {
  let timer: NodeJS.Timeout | undefined
  const changed = new Set<string>()
  const watcher = watch([...dirs], {
    ignoreInitial: true,
    ignored: (path) => IGNORED.test(path),
    // A rename over a file is one change of it, not a deletion and an addition.
    atomic: true,
  })
  watcher.on('all', (_event, path) => {
    changed.add(resolve(path))
    clearTimeout(timer)
    timer = setTimeout(() => {
      const paths = [...changed]
      changed.clear()
      onChange(paths)
    }, debounceMs)
  })
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()))
  return {
    ready,
    async close() {
      clearTimeout(timer)
      await watcher.close()
    },
  }
}
