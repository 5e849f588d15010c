/** The stock domain's settings: how often the sweep runs, and how long an orphaned reservation waits. */
import { duration } from '../../runtime/config/schemas.ts'
import { setting } from '../../runtime/config/setting.ts'

const DAY_MS = 86_400_000

export const stockSettings = {
  sweepMs: setting('STOCK_SWEEP_INTERVAL', duration(100, DAY_MS), {
    default: 10_000,
    unset: '`10s`',
    set: 'how often each stock process gives back holds whose reserve died and looks for open reservations past their payment expiry',
  }),
  expiredGraceMs: setting('STOCK_EXPIRED_GRACE', duration(0, DAY_MS), {
    default: 60_000,
    unset: '`60s`',
    set: 'how long after its payment expiry an open reservation waits before the sweep asks orders about it (orders cancels expired orders itself; the sweep settles reservations whose order was never stored)',
  }),
}
