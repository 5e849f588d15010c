/** The kitchen's settings: who moves orders, how long one cooks and how many cook at once. */
import * as z from 'zod'
import { int, ms } from '../../runtime/config/schemas.ts'
import { setting } from '../../runtime/config/setting.ts'

export const KITCHEN_MODES = ['simulated', 'staff'] as const
export type KitchenMode = (typeof KITCHEN_MODES)[number]

export const kitchenSettings = {
  mode: setting('KITCHEN_MODE', z.enum(KITCHEN_MODES), {
    default: 'simulated',
    set: '`simulated`: the kitchen worker cooks each paid order itself (`KITCHEN_COOK_MS`); `staff`: the kitchen display at `/kitchen` moves orders (Start, Ready, Collected) and the worker only tracks them',
  }),
  cookMs: setting('KITCHEN_COOK_MS', ms, {
    default: 3000,
    set: 'cook time per order (`KITCHEN_MODE=simulated`)',
  }),
  concurrency: setting('KITCHEN_CONCURRENCY', int(1, 256), {
    default: 4,
    set: 'orders cooked at once',
  }),
}
