/**
 * Bench child: every function in one runtime (what `oms dev` hosts) on the adapters the
 * environment picks (embedded, or RabbitMQ with AMQP_URL), with payments' `order.created`
 * consumer counted, so the parent can tell when the orders it placed have gone all the way
 * through: POST → orders → stock → order.created → payments' checkout and payment link.
 *
 *   node --import tsx bench/servers/system.ts     (PORT, AMQP_URL, OTEL_* ... from the environment)
 */
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime } from '../../runtime/host.ts'
import type { ConsumerFunction, LoadedFunction } from '../../runtime/model/define.ts'
import { serveParent } from './parent.ts'

/** The consumer whose completions are counted. */
export const COUNTED = 'payments.on-order-created'

let consumed = 0
let lastConsumedAt = 0

/** The same function, counting each message its handler finished. */
function counted(fn: LoadedFunction): LoadedFunction {
  if (fn.name !== COUNTED || fn.def.kind !== 'consumer') return fn
  const def = fn.def as ConsumerFunction
  const handler: ConsumerFunction['handler'] = async (event, ctx) => {
    await def.handler(event, ctx)
    consumed++
    lastConsumedAt = Date.now()
  }
  return { ...fn, def: { ...def, handler } }
}

const functions = (await loadFunctions()).map(counted)
const runtime = await createRuntime({ functions })
await runtime.start()
serveParent(
  { url: runtime.bound.httpUrl?.replace('localhost', '127.0.0.1') },
  { consumed: () => ({ consumed, lastConsumedAt }) },
  () => runtime.stop(),
)
