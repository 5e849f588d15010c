/**
 * The orders domain: orders and their state machine (pending → paid → preparing → ready →
 * collected; pending → cancelled), with the expiry of orders never paid or never fully placed.
 */
import { forStaff } from '../../runtime/grpc/caller.ts'
import { domain } from '../../runtime/model/domain.ts'
import { menuService, orderService, stockService } from '../../shared/services.ts'
import { orderData } from './data.ts'
import { ordersSettings } from './settings.ts'

/** The moves the kitchen makes. */
const KITCHEN_MOVES = new Set(['preparing', 'ready', 'collected'])

export const orders = domain('orders', {
  settings: ordersSettings,
  data: orderData,
  serves: orderService,
  // The gateway acts for a customer (always named), or reads and lists the kitchen's queue for
  // signed-in staff; stock, payments and the kitchen read orders; the kitchen moves them to preparing,
  // ready and collected; payments records the payment link.
  access: {
    createOrder: { gateway: true },
    getOrder: {
      gateway: (r, caller) => r.customerId !== '' || forStaff(caller),
      stock: true,
      payments: true,
      kitchen: true,
    },
    listOrders: { gateway: (r) => r.customerId !== '' },
    listOrdersByStatus: { gateway: 'staff' },
    updateOrder: {
      kitchen: (r) => KITCHEN_MOVES.has(r.status) && r.paymentLink === '',
      payments: (r) => r.status === '' && r.paymentLink !== '',
    },
    cancelOrder: { gateway: (r) => r.customerId !== '' },
  },
  clients: { menu: menuService, stock: stockService },
})
