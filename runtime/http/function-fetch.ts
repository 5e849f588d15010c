/**
 * Sends an HTTP request to a function: in process when this process hosts it, otherwise to an
 * instance the registry names (trying the next one when an instance cannot be reached). Made
 * while handling a call, it is part of that call: in process it runs in it; to another process it
 * carries the time left (`x-oms-timeout-ms`) and is aborted with it; once the call was given up it
 * is not sent at all.
 */
import type { Hono } from 'hono'
import { activeCall } from '../model/call-scope.ts'
import type { Registry } from '../ports/registry.ts'
import { TIMEOUT_HEADER } from './request-calls.ts'

export type FunctionFetch = (name: string, path: string, init: RequestInit) => Promise<Response>

/** The header an internal HTTP call carries the internal credential in. */
export const INTERNAL_HEADER = 'x-oms-internal-token'

export function createFunctionFetch(
  registry: Registry,
  local: (name: string) => Hono | undefined,
  /** OMS_INTERNAL_TOKEN: carried by every call to another process. */
  internalToken?: string,
): FunctionFetch {
  return async (name, path, init) => {
    const call = activeCall()
    call?.check()
    // In process or not, the call is internal: it carries the credential.
    if (internalToken) {
      const headers = new Headers(init.headers)
      headers.set(INTERNAL_HEADER, internalToken)
      init = { ...init, headers }
    }
    const app = local(name)
    if (app) return app.request(path, init)
    if (call) {
      const headers = new Headers(init.headers)
      const left = call.remainingMs()
      if (left !== Infinity) headers.set(TIMEOUT_HEADER, String(left))
      const signal = init.signal ? AbortSignal.any([init.signal, call.signal]) : call.signal
      init = { ...init, headers, signal }
    }
    const instances = await registry.resolve(name)
    let lastError: unknown = new Error(`no instance of ${name} is registered`)
    for (const { host, port } of instances) {
      try {
        return await fetch(`http://${host}:${port}${path}`, init)
      } catch (err) {
        // Aborted with its call: fail with the call's reason, and try no other instance.
        if (call?.aborted) throw call.reason
        lastError = err
      }
    }
    throw lastError
  }
}
