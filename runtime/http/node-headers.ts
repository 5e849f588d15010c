/**
 * Reads a request header without building a web `Headers` object: on @hono/node-server the
 * Node request's own header map is read directly (building `c.req.raw.headers` would copy
 * every header per request); elsewhere (in-process `app.request`) the web request's headers.
 * Also sets a response header on the Node response when there is one, so Hono's response keeps
 * its fast path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Context } from 'hono'

interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

function nodeOf(c: Context): NodeBindings | undefined {
  const env: unknown = c.env
  return typeof env === 'object' && env !== null && 'incoming' in env
    ? (env as NodeBindings)
    : undefined
}

/** The request header `name` (lower case), or undefined. Repeated headers are joined by ", ". */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeOf(c)?.incoming
  if (!incoming) return c.req.header(name)
  const value = incoming.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Sets a response header: on the Node response when serving over HTTP, else on Hono's response. */
export function setResponseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeOf(c)?.outgoing
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value)
  else c.header(name, value)
}
