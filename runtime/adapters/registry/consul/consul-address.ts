/**
 * Reads CONSUL_HTTP_ADDR: `host:port` (plain HTTP; a bare `host` means port 8500) or a URL
 * with an `http:` or `https:` scheme (`http://consul:8500`; without a port, the scheme's own).
 */

/** Consul's default HTTP API port. */
export const DEFAULT_CONSUL_PORT = 8500

export interface ConsulAddress {
  host: string
  port: number
  secure: boolean
  /** The address as written back for messages, e.g. `http://127.0.0.1:8500`. */
  href: string
}

/** Parses the value of CONSUL_HTTP_ADDR; throws an error naming the variable when it is bad. */
export function parseConsulAddress(value: string): ConsulAddress {
  const text = value.trim()
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text)
  const withScheme = hasScheme ? text : `http://${text}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw new Error(`CONSUL_HTTP_ADDR: must be host:port or an http(s):// URL, got ${value}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`CONSUL_HTTP_ADDR: only http:// and https:// are supported, got ${value}`)
  if (!url.hostname || (url.pathname !== '/' && url.pathname !== '') || url.search)
    throw new Error(`CONSUL_HTTP_ADDR: must be host:port or an http(s):// URL, got ${value}`)
  const secure = url.protocol === 'https:'
  const schemePort = secure ? 443 : 80
  // URL drops a port equal to the scheme's default (`consul:80` has url.port '').
  const portGiven = hasScheme || /:\d+$/.test(text)
  const port = url.port ? Number(url.port) : portGiven ? schemePort : DEFAULT_CONSUL_PORT
  return { host: url.hostname, port, secure, href: `${url.protocol}//${url.hostname}:${port}` }
}
