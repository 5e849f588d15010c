/**
 * An HTTP proxy in front of a test server that records every request (method, path, headers,
 * form body) and can answer the next requests with an error itself — to see what a client
 * really sends (idempotency keys, parameters) and that it retries what it should.
 */
import { createServer, request as forward } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  /** The form-encoded body, decoded (Stripe's API takes forms). */
  form: URLSearchParams
}

export interface RecordingProxy {
  url: string
  requests: RecordedRequest[]
  /** The next `count` requests are answered `status` by the proxy (recorded, not forwarded). */
  failNext(count: number, status: number, headers?: Record<string, string>): void
  close(): Promise<void>
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target)
  const requests: RecordedRequest[] = []
  let failing: { count: number; status: number; headers?: Record<string, string> } = {
    count: 0,
    status: 500,
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: { ...req.headers },
        form: new URLSearchParams(body.toString('utf8')),
      })
      if (failing.count > 0) {
        failing.count--
        res.writeHead(failing.status, { 'content-type': 'application/json', ...failing.headers })
        res.end(JSON.stringify({ error: { type: 'api_error', message: 'injected by the test' } }))
        return
      }
      const out = forward(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      out.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      out.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(count, status, headers) {
      failing = { count, status, headers }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
