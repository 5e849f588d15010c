/** The bus queues a set of functions owns: one per consumer and per worker, named after it. */
import type { LoadedFunction } from '../model/define.ts'

export function queuesOf(
  functions: readonly LoadedFunction[],
): { consumer: string; event: string }[] {
  return functions.flatMap((fn) => {
    if (fn.def.kind === 'consumer') return [{ consumer: fn.name, event: fn.def.topic.name }]
    if (fn.def.kind === 'worker') return [{ consumer: fn.name, event: fn.def.options.on.name }]
    return []
  })
}
