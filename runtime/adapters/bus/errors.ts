/** How bus adapters classify and describe a handler's failure. */
import { PoisonMessageError } from '../../ports/bus.ts'

export function isPoison(err: unknown): boolean {
  return (
    err instanceof PoisonMessageError || (err instanceof Error && err.name === 'PoisonMessageError')
  )
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return String(err)
}
