// Trigger: HTTP /api/customers/:customerId/orders — place, list, read and cancel orders.
import { Hono } from 'hono'
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
import { presentOrder } from './lib/present.ts'
import { jsonBody, param } from './lib/validate.ts'

export default gateway.http((ctx) => {
  const { orders } = ctx.clients
  const customer = (id: string) => param(customerIdParam, id, 'customerId')
  const orderRef = (c: { req: { param(name: string): string } }) => ({
    customerId: customer(c.req.param('customerId')),
    orderId: param(orderIdParam, c.req.param('orderId'), 'orderId'),
  })

  return new Hono()
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
    .post('/api/customers/:customerId/orders/:orderId/cancel', async (c) => {
      const { order } = await orders.cancelOrder(orderRef(c))
      return c.json({ order: presentOrder(order!) } satisfies OrderAnswer)
    })
})
