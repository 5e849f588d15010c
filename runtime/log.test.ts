/**
 * Log lines: JSON objects, one a line (what tests and log shippers parse), carrying the request
 * being answered; pretty lines on a terminal (time, level, function, message, ids, short trace
 * id, then the other fields), or as LOG_FORMAT says.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger, logFormatFor, prettyStream } from './log.ts'
import { Call } from './model/call.ts'
import { inCall } from './model/call-scope.ts'
import { installTraceContext } from './telemetry/recording-tracer.ts'

function collecting() {
  const written: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString())
      done()
    },
  })
  return { written, stream }
}

let uninstall: () => void
beforeAll(() => {
  uninstall = installTraceContext()
})
afterAll(() => uninstall())

describe('JSON lines', () => {
  it('are one object a line: level, time, pid, the fields, msg', () => {
    const { written, stream } = collecting()
    createLogger('info', {}, stream).child({ fn: 'billing.charge' }).info({ n: 1 }, 'charged')
    expect(written).toHaveLength(1)
    expect(written[0]?.endsWith('\n')).toBe(true)
    const line = JSON.parse(written[0] as string)
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      pid: process.pid,
      fn: 'billing.charge',
      n: 1,
      msg: 'charged',
    })
    expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'fn', 'n', 'msg'])
  })

  it('carry the id of the HTTP request being answered, and only then', () => {
    const { written, stream } = collecting()
    const log = createLogger('info', {}, stream)
    const call = new Call(Number.POSITIVE_INFINITY)
    call.requestId = 'req-42'
    inCall(call, () => log.info('inside'))
    // Work on its behalf with a deadline of its own (a client's timeout) is still part of it.
    inCall(call.within(Date.now() + 1000), () => log.info('within'))
    inCall(new Call(Number.POSITIVE_INFINITY), () => log.info('another call'))
    log.info('outside')
    const [inside, within, another, outside] = written.map((w) => JSON.parse(w))
    expect(inside).toMatchObject({ msg: 'inside', requestId: 'req-42' })
    expect(within).toMatchObject({ msg: 'within', requestId: 'req-42' })
    expect(another).not.toHaveProperty('requestId')
    expect(outside).not.toHaveProperty('requestId')
  })
})

describe('the format', () => {
  it('is pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    expect(logFormatFor(undefined, { isTTY: true })).toBe('pretty')
    expect(logFormatFor(undefined, { isTTY: false })).toBe('json')
    expect(logFormatFor(undefined, {})).toBe('json')
    expect(logFormatFor('json', { isTTY: true })).toBe('json')
    expect(logFormatFor('pretty', { isTTY: false })).toBe('pretty')
  })
})

describe('pretty lines', () => {
  async function pretty() {
    const written: string[] = []
    const stream = await prettyStream({ write: (text) => written.push(text) }, { colorize: false })
    return { written, log: createLogger('debug', {}, stream) }
  }

  it('show time, level, function, message, the ids and the trace, then the other fields', async () => {
    const { written, log } = await pretty()
    log
      .child({ fn: 'billing.charge', invoiceId: 'inv-7' })
      .warn(
        { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', amount: 3 },
        'charge declined',
      )
    expect(written).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: billing\.charge charge declined invoiceId=inv-7 trace=0af76519 \{"amount":3\}\n$/,
      ),
    ])
  })

  it('say an access line in its head, with the path asked for', async () => {
    const { written, log } = await pretty()
    log.info(
      {
        requestId: 'req-1',
        method: 'GET',
        route: '/invoices/:id',
        path: '/invoices/7',
        status: 404,
        code: 'NOT_FOUND',
        ms: 1.3,
      },
      'GET /invoices/:id 404 NOT_FOUND 1.3 ms',
    )
    expect(written[0]).toMatch(
      /^\[[\d:.]+\] INFO: GET \/invoices\/7 404 NOT_FOUND 1\.3 ms requestId=req-1\s*\n$/,
    )
  })

  it('show an error with its stack', async () => {
    const { written, log } = await pretty()
    log.error({ err: new Error('the printer is on fire') }, 'print failed')
    expect(written[0]).toMatch(/ERROR: print failed/)
    expect(written[0]).toMatch(/the printer is on fire/)
    expect(written[0]).toMatch(/at .*log\.test\.ts/)
  })

  it('are written as they come, nothing held back', async () => {
    const { written, log } = await pretty()
    for (let i = 0; i < 5; i++) log.info(`line ${i}`)
    expect(written).toHaveLength(5)
  })
})
