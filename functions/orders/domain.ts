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
  clients: { menu: menuService, stock: stockService },
})
