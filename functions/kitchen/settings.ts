/** The kitchen's settings: how long an order cooks and how many cook at once. */
import { int, ms } from '../../runtime/config/schemas.ts'
import { setting } from '../../runtime/config/setting.ts'

export const kitchenSettings = {
  cookMs: setting('KITCHEN_COOK_MS', ms, { default: 3000, set: 'cook time per order' }),
  concurrency: setting('KITCHEN_CONCURRENCY', int(1, 256), {
    default: 4,
    set: 'orders cooked at once',
  }),
}
