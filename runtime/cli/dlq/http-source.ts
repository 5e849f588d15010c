/**
 * Parked messages held by a running `oms dev` / `oms start` process (the embedded bus lives
 * inside it), reached through its ops routes (runtime/http/ops-routes.ts).
 */
import type { ParkedMessage } from '../../ports/bus.ts'
import { type ErrorBody, failed, type OpsClientOptions, opsClient } from '../ops-client.ts'
import type { DlqSource } from './source.ts'

export { REQUEST_TIMEOUT_MS } from '../ops-client.ts'

export type HttpDlqOptions = OpsClientOptions

export function httpDlq(options: HttpDlqOptions): DlqSource {
  const client = opsClient(options)
  const ok = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const answer = await client.call<T & ErrorBody>(path, init)
    if (answer.status >= 400) failed(client, path, answer)
    return answer.body
  }
  return {
    where: client.base,
    async parked(fn) {
      const query = fn ? `?${new URLSearchParams({ function: fn })}` : ''
      return (await ok<{ messages: ParkedMessage[] }>(`/_oms/dlq${query}`)).messages
    },
    async replay({ fn, id }) {
      const body = JSON.stringify({ function: fn, id })
      const init = { method: 'POST', body, headers: { 'content-type': 'application/json' } }
      return (await ok<{ replayed: number }>('/_oms/dlq/replay', init)).replayed
    },
    async close() {},
  }
}
