/** The messages between `oms dev` and the process it runs the functions in (dev-host.ts). */

export type ParentMessage =
  /** Import this build of the functions; do not run it yet. */
  | { type: 'load'; gen: number; file: string }
  /** Replace the running generation by this loaded one. */
  | { type: 'activate'; gen: number; banner?: boolean }
  /** This loaded generation will not run (its type check failed). */
  | { type: 'discard'; gen: number }

export type HostMessage =
  /** The process is up, with nothing running yet. */
  | { type: 'ready' }
  | { type: 'loaded'; gen: number }
  /** The generation serves; `ms` from stopping the previous one to this one serving. */
  | { type: 'live'; gen: number; ms: number }
  /** It could not be imported or started; `restored` is the generation serving instead. */
  | { type: 'failed'; gen: number; error: string; restored?: number }
