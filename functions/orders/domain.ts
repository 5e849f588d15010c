/** The orders domain: orders and their state machine (pending → paid → preparing → ready). */
import { domain } from '../../runtime/model/domain.ts'
import { menuService, orderService, stockService } from '../../shared/services.ts'
import { orderData } from './data.ts'

export const orders = domain('orders', {
  data: orderData,
  serves: orderService,
  clients: { menu: menuService, stock: stockService },
})
