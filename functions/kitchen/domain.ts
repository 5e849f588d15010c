/** The kitchen domain: simulated kitchen staff cooking paid orders until they are ready. */
import { domain } from '../../runtime/model/domain.ts'
import { orderService } from '../../shared/services.ts'
import { kitchenSettings } from './settings.ts'

export const kitchen = domain('kitchen', {
  settings: kitchenSettings,
  clients: { orders: orderService },
})
