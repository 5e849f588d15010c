// Trigger: HTTP /api/customers/:customerId/orders — place, list, read, follow (a live stream)
// and cancel orders.
import { Hono } from 'hono'
import {
  orderCancelled,
  orderRefunded,
  orderRefundRequested,
  orderStatusChanged,
} from '../../shared/events.ts'
import { gateway } from './domain.ts'
import {
  createOrderBody,
  customerIdParam,
  idempotencyKeyHeader,
  type OrderAnswer,
  type OrderCreated,
  type OrderListAnswer,
  orderIdParam,
} from './lib/api-schemas.ts'
import { liveStream } from './lib/live-stream.ts'
import { presentOrder } from './lib/present.ts'
import { jsonBody, param } from './lib/validate.ts'

/** What changes an order the customer's page shows: its moves, its cancel and its refund. */
const ORDER_PAGE_TOPICS = [orderStatusChanged, orderCancelled, orderRefundRequested, orderRefunded]

export default gateway.http((ctx) => {
  const { orders } = ctx.clients
  const customer = (id: string) => param(customerIdParam, id, 'customerId')
  const orderRef = (c: { req: { param(name: string): string } }) => ({
    customerId: customer(c.req.param('customerId')),
    orderId: param(orderIdParam, c.req.param('orderId'), 'orderId'),
  })

  return (
    new Hono()
      .post('/api/customers/:customerId/orders', async (c) => {
        const customerId = customer(c.req.param('customerId'))
        const header = c.req.header('idempotency-key')
        const idempotencyKey =
          header === undefined ? '' : param(idempotencyKeyHeader, header, 'Idempotency-Key')
        const { items } = await jsonBody(c, createOrderBody)
        const { order } = await orders.createOrder({ customerId, items, idempotencyKey })
        const redirectToURL = `${ctx.publicUrl}/orders/${encodeURIComponent(customerId)}/${encodeURIComponent(order!.id)}`
        return c.json({ order: presentOrder(order!), redirectToURL } satisfies OrderCreated, 201)
      })
      .get('/api/customers/:customerId/orders', async (c) => {
        const { orders: list } = await orders.listOrders({
          customerId: customer(c.req.param('customerId')),
        })
        return c.json({ orders: list.map(presentOrder) } satisfies OrderListAnswer)
      })
      .get('/api/customers/:customerId/orders/:orderId', async (c) => {
        const { order } = await orders.getOrder(orderRef(c))
        return c.json({ order: presentOrder(order!) } satisfies OrderAnswer)
      })
      // The order page's live view: the order now, then again at each move (server-sent events).
      .get('/api/customers/:customerId/orders/:orderId/stream', async (c) => {
        const ref = orderRef(c)
        const read = async () => presentOrder((await orders.getOrder(ref)).order!)
        // Unknown orders are refused before the stream starts (404, the JSON error shape).
        await read()
        return liveStream(c, {
          // Read once listening, so no move falls between the read and the first event.
          snapshot: async () => ({ event: 'order', data: { order: await read() } }),
          async listen(out, resync, end) {
            const mine = (event: { orderId: string }) => {
              if (event.orderId === ref.orderId)
                read().then((order) => out.send('order', { order }), resync)
            }
            const stops = await Promise.all(
              ORDER_PAGE_TOPICS.map((topic) =>
                ctx.live.watch(topic, { event: mine, gap: resync, end }),
              ),
            )
            return () => {
              for (const stop of stops) stop()
            }
          },
        })
      })
      .post('/api/customers/:customerId/orders/:orderId/cancel', async (c) => {
        const { order } = await orders.cancelOrder(orderRef(c))
        return c.json({ order: presentOrder(order!) } satisfies OrderAnswer)
      })
  )
})
