/**
 * The kitchen domain: the work on paid orders until they are handed over — cooked by a simulated
 * kitchen (`KITCHEN_MODE=simulated`), or moved by the staff on the kitchen display (`staff`).
 */
import { domain } from '../../runtime/model/domain.ts'
import { kitchenService, orderService } from '../../shared/services.ts'
import { kitchenSettings } from './settings.ts'

export const kitchen = domain('kitchen', {
  settings: kitchenSettings,
  serves: kitchenService,
  // Only for staff (or an admin) the gateway signed in: the kitchen display's buttons.
  access: { moveOrder: { gateway: 'staff' } },
  clients: { orders: orderService },
})
