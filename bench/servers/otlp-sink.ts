/**
 * Bench child: where exported spans go during the tracing benchmark. The tests' OTLP/HTTP
 * receiver (test/servers/otlp-receiver.ts, JSON encoding) decodes and counts spans; a second
 * server drains http/protobuf exports unread, counting requests and bytes. Received spans are
 * counted and dropped every second, so a long run does not grow the sink.
 *
 *   node --import tsx bench/servers/otlp-sink.ts
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startOtlpReceiver } from '../../test/servers/otlp-receiver.ts'
import { serveParent } from './parent.ts'

const receiver = await startOtlpReceiver()
let jsonSpans = 0
let traces = new Set<string>()
const tally = () => {
  jsonSpans += receiver.spans.length
  for (const s of receiver.spans) traces.add(s.traceId)
  receiver.spans.length = 0
}
setInterval(tally, 1000).unref()

let protoRequests = 0
let protoBytes = 0
const drain = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => {
    protoBytes += chunk.length
  })
  req.on('end', () => {
    protoRequests++
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()
  })
})
await new Promise<void>((resolve) => drain.listen(0, '127.0.0.1', resolve))

serveParent(
  {
    json: receiver.endpoint,
    protobuf: `http://127.0.0.1:${(drain.address() as AddressInfo).port}`,
  },
  {
    /** What arrived since the last time it was asked. */
    counts: () => {
      tally()
      const result = { jsonSpans, jsonTraces: traces.size, protoRequests, protoBytes }
      jsonSpans = 0
      traces = new Set()
      protoRequests = 0
      protoBytes = 0
      return result
    },
  },
  async () => {
    await receiver.close()
    drain.close()
  },
)
