/**
 * Sends an HTTP request to a function: in process when this process hosts it, otherwise to an
 * instance the registry names (trying the next one when an instance cannot be reached).
 */
import type { Hono } from 'hono'
import type { Registry } from '../ports/registry.ts'

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
    // In process or not, the call is internal: it carries the credential.
    if (internalToken) {
      const headers = new Headers(init.headers)
      headers.set(INTERNAL_HEADER, internalToken)
      init = { ...init, headers }
    }
    const app = local(name)
    if (app) return app.request(path, init)
    const instances = await registry.resolve(name)
    let lastError: unknown = new Error(`no instance of ${name} is registered`)
    for (const { host, port } of instances) {
      try {
        return await fetch(`http://${host}:${port}${path}`, init)
      } catch (err) {
        lastError = err
      }
    }
    throw lastError
  }
}
