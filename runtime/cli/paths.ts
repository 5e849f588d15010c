/** Where the CLI finds the project: its root, its own entry point, what `oms dev` watches. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** The `oms` entry point, which `oms dev` runs as its child. */
export const BIN_PATH = join(ROOT, 'bin', 'oms.js')

/** Folders whose changes restart `oms dev`'s child (default: code the process runs). */
export const WATCHED_DIRS = ['functions', 'runtime', 'shared', 'proto/gen'] as const

/** The watched folders that exist, as absolute paths. */
export function watchedDirs(root = ROOT): string[] {
  return WATCHED_DIRS.map((dir) => join(root, dir)).filter((dir) => existsSync(dir))
}
