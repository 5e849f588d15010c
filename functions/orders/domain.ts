/**
 * The orders domain: orders and their state machine (pending → paid → preparing → ready;
 * pending → cancelled), with the expiry of orders never paid or never fully placed.
 */
import { domain } from '../../runtime/model/domain.ts'
import { menuService, orderService, stockService } from '../../shared/services.ts'
import { orderData } from './data.ts'
import { ordersSettings } from './settings.ts'

export const orders = domain('orders', {
  settings: ordersSettings,
  data: orderData,
  serves: orderService,
  // The gateway acts for a customer (always named); stock, payments and the kitchen read
  // orders; the kitchen moves them to preparing and ready; payments records the payment link.
  access: {
    createOrder: { gateway: true },
    getOrder: {
      gateway: (r) => r.customerId !== '',
      stock: true,
      payments: true,
      kitchen: true,
    },
    listOrders: { gateway: (r) => r.customerId !== '' },
    updateOrder: {
      kitchen: (r) => (r.status === 'preparing' || r.status === 'ready') && r.paymentLink === '',
      payments: (r) => r.status === '' && r.paymentLink !== '',
    },
    cancelOrder: { gateway: (r) => r.customerId !== '' },
  },
  clients: { menu: menuService, stock: stockService },
})
