/**
 * Checks `oms start` selectors against the function files before importing anything, so an
 * unknown name is a usage error (exit 2) and not confused with a function that fails to load.
 */
import { listFunctionFiles, matches } from '../catalog.ts'
import { usageError } from './errors.ts'

/** Throws a usage error naming every selector that matches no function or domain. */
export async function checkSelectors(selectors: readonly string[], dir?: string): Promise<void> {
  const files = await listFunctionFiles(dir)
  const unknown = selectors.filter((s) => !files.some((f) => matches(s, f)))
  if (unknown.length === 0) return
  const names = unknown.map((s) => `"${s}"`).join(', ')
  const domains = [...new Set(files.map((f) => f.domain))].join(', ') || 'none yet'
  throw usageError(`no function or domain named ${names} (domains: ${domains}; see oms ls)`)
}

/** Normalises `domain/name` to the `domain.name` the runtime uses. */
export function functionName(selector: string): string {
  return selector.replace('/', '.')
}
