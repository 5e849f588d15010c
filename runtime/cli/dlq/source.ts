/** Where `oms dlq` finds parked messages: a running oms process over HTTP, or the broker. */
import type { ParkedMessage } from '../../ports/bus.ts'

export interface DlqSource {
  /** For messages: the URL or the bus kind. */
  readonly where: string
  parked(fn?: string): Promise<ParkedMessage[]>
  replay(filter: { fn?: string; id?: string }): Promise<number>
  close(): Promise<void>
}
