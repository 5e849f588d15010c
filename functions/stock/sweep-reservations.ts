// Trigger: schedule, every STOCK_SWEEP_INTERVAL — what calls that died leave behind: holds whose
// reserve never recorded them are given back once stale, marks left by finished operations are
// removed, and open reservations past their order's payment expiry (plus STOCK_EXPIRED_GRACE)
// are settled as orders has the order — released when orders never stored it (its process
// died between reserving and storing the order). Every stock process runs it; each step is a
// guarded write, so running it twice at once changes nothing more.
import { isRetryLater } from '../../runtime/model/retry-later.ts'
import { stock } from './domain.ts'
import { EXPIRED_PAGE } from './lib/reservations.ts'
import { settleReservation } from './lib/settle-reservation.ts'

export default stock.schedule({ every: (s) => s.sweepMs }, async (ctx) => {
  const marks = await ctx.data.sweepMarks()
  if (marks.givenBack > 0)
    ctx.log.warn({ holds: marks.givenBack }, 'holds of reserves that died given back')
  const before = Date.now() - ctx.settings.expiredGraceMs
  const expired = await ctx.data.openExpired(before)
  let settled = 0
  for (const orderId of expired) {
    if (ctx.signal.aborted) return
    try {
      if (await settleReservation(orderId, ctx, { unknown: 'release' })) settled++
    } catch (err) {
      // Orders has it pending still (its own sweep cancels it soon), or is away: next round.
      if (!isRetryLater(err)) ctx.log.warn({ err, orderId }, 'expired reservation not settled')
    }
  }
  if (settled > 0) ctx.log.info({ settled }, 'expired reservations settled')
  if (expired.length === EXPIRED_PAGE) ctx.log.info('more expired reservations: next round')
})
