/**
 * Sends an HTTP request to a function: in process when this process hosts it, otherwise to an
 * instance the registry names (trying the next one when an instance cannot be reached).
 */
import type { Hono } from 'hono'
import type { Registry } from '../ports/registry.ts'

export type FunctionFetch = (name: string, path: string, init: RequestInit) => Promise<Response>

export function createFunctionFetch(
  registry: Registry,
  local: (name: string) => Hono | undefined,
): FunctionFetch {
  return async (name, path, init) => {
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
