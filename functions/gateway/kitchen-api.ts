// Trigger: HTTP /api/kitchen/* — the kitchen display's API, for signed-in staff (or an admin):
// the queue of paid, preparing and ready orders (oldest first), its live stream (server-sent
// events: the queue, then each order as it moves), and the moves Start, Ready and Collect.
import { Hono } from 'hono'
import type { Order } from '../../proto/gen/oms.ts'
import type { UserRole } from '../../runtime/grpc/caller.ts'
import { orderStatusChanged } from '../../shared/events.ts'
import { gateway } from './domain.ts'
import {
  type KitchenMoveAnswer,
  type KitchenTicket,
  kitchenMoveParam,
  orderIdParam,
} from './lib/api-schemas.ts'
import { DISPLAY_WINDOW_MS, isOnDisplay, ON_DISPLAY, presentTicket } from './lib/kitchen-ticket.ts'
import { liveStream } from './lib/live-stream.ts'
import { orderNumber } from './lib/order-number.ts'
import { staffOnly } from './lib/staff-session.ts'
import { param } from './lib/validate.ts'

const MOVES = { start: 'preparing', ready: 'ready', collect: 'collected' } as const

export default gateway.http((ctx) => {
  const { orders, kitchen } = ctx.clients
  const credentials = ctx.settings
  const asStaff = { onBehalfOf: 'staff' } as const

  const queue = async (): Promise<KitchenTicket[]> => {
    const placedSince = new Date(Date.now() - DISPLAY_WINDOW_MS).toISOString()
    const { orders: list } = await orders.listOrdersByStatus(
      { statuses: [...ON_DISPLAY], placedSince, limit: 0 },
      asStaff,
    )
    return list.map(presentTicket)
  }

  // One read per change, however many displays this process streams it to.
  const reading = new Map<string, Promise<Order | undefined>>()
  const current = (orderId: string) => {
    let read = reading.get(orderId)
    if (!read) {
      read = orders
        .getOrder({ orderId, customerId: '' }, asStaff)
        .then((r) => r.order)
        .finally(() => reading.delete(orderId))
      reading.set(orderId, read)
    }
    return read
  }

  return new Hono()
    .use(
      '/api/kitchen/*',
      staffOnly({
        credentials,
        role: 'staff',
        off: 'the kitchen display is off: set STAFF_TOKEN or ADMIN_TOKEN to enable it',
      }),
    )
    .get('/api/kitchen/orders', async (c) => c.json({ orders: await queue() }))
    .get('/api/kitchen/stream', (c) =>
      liveStream(c, {
        snapshot: async () => ({ event: 'queue', data: { orders: await queue() } }),
        listen: (out, resync, end) =>
          ctx.live.watch(orderStatusChanged, {
            event({ orderId }) {
              current(orderId).then(
                (order) => {
                  if (!order) return
                  if (isOnDisplay(order.status)) out.send('order', { order: presentTicket(order) })
                  else out.send('gone', { id: order.id, status: order.status })
                },
                // Not readable now: the whole queue again, once it is.
                () => resync(),
              )
            },
            gap: resync,
            end,
          }),
      }),
    )
    .post('/api/kitchen/orders/:orderId/:move', async (c) => {
      const orderId = param(orderIdParam, c.req.param('orderId'), 'orderId')
      const move = param(kitchenMoveParam, c.req.param('move'), 'move')
      const role: UserRole = c.get('staffRole')
      const { order } = await kitchen.moveOrder(
        { orderId, status: MOVES[move] },
        { onBehalfOf: role },
      )
      return c.json({
        order: {
          id: order!.id,
          number: orderNumber(order!.id),
          status: order!.status as KitchenMoveAnswer['order']['status'],
          updatedAt: order!.updatedAt,
        },
      } satisfies KitchenMoveAnswer)
    })
})
