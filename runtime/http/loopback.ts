/** Whether a request comes from this host (a loopback peer, or in process: `app.request`). */
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

export function isLoopbackCaller(c: Context): boolean {
  let address: string | undefined
  try {
    address = getConnInfo(c).remote.address
  } catch {
    return true
  }
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
  return v4 === '::1' || v4.startsWith('127.')
}
