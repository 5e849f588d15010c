/**
 * The CLI's shell runs prebuilt (bin/oms.js): it loads no TypeScript loader until a command
 * needs the runtime or the functions. `typescriptReady()` registers it then (once); anywhere
 * else (tsx, vitest) TypeScript modules load already and it does nothing.
 */

const REGISTER = Symbol.for('oms.cli.typescript')

/** Resolves once `.ts` modules can be imported. */
export async function typescriptReady(): Promise<void> {
  const register = (globalThis as Record<symbol, unknown>)[REGISTER]
  if (typeof register === 'function') await (register as () => Promise<void>)()
}

const PREBUILT = new WeakSet<object>()

/**
 * Marks a command whose action runs in the prebuilt shell alone (it calls `typescriptReady()`
 * itself, only when it must load source); every other command gets the loader first.
 */
export function runsPrebuilt<C extends object>(command: C): C {
  PREBUILT.add(command)
  return command
}

export function needsNoTypescript(command: object): boolean {
  return PREBUILT.has(command)
}
