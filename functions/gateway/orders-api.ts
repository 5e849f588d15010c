// Trigger: HTTP /api/customers/:customerId/orders — place, list, read and cancel orders.
import { Hono } from 'hono'
import * as z from 'zod'
import { customerIdSchema, orderItemsSchema } from '../../shared/order-input.ts'
import { gateway } from './domain.ts'
import { presentOrder } from './lib/present.ts'
import { jsonBody, param } from './lib/validate.ts'

const createOrderBody = z.strictObject({ items: orderItemsSchema })
const orderIdSchema = z.string().min(1).max(64)

export default gateway.http((ctx) => {
  const { orders } = ctx.clients
  const customer = (id: string) => param(customerIdSchema, id, 'customerId')
  const orderRef = (c: { req: { param(name: string): string } }) => ({
    customerId: customer(c.req.param('customerId')),
    orderId: param(orderIdSchema, c.req.param('orderId'), 'orderId'),
  })

  return new Hono()
    .post('/api/customers/:customerId/orders', async (c) => {
      const customerId = customer(c.req.param('customerId'))
      const { items } = await jsonBody(c, createOrderBody)
      const { order } = await orders.createOrder({ customerId, items })
      const redirectToURL = `${ctx.publicUrl}/orders/${encodeURIComponent(customerId)}/${encodeURIComponent(order!.id)}`
      return c.json({ order: presentOrder(order!), redirectToURL }, 201)
    })
    .get('/api/customers/:customerId/orders', async (c) => {
      const { orders: list } = await orders.listOrders({
        customerId: customer(c.req.param('customerId')),
      })
      return c.json({ orders: list.map(presentOrder) })
    })
    .get('/api/customers/:customerId/orders/:orderId', async (c) => {
      const { order } = await orders.getOrder(orderRef(c))
      return c.json({ order: presentOrder(order!) })
    })
    .post('/api/customers/:customerId/orders/:orderId/cancel', async (c) => {
      const { order } = await orders.cancelOrder(orderRef(c))
      return c.json({ order: presentOrder(order!) })
    })
})
