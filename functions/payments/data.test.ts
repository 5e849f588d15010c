/** The payments domain's data on every store adapter: each Stripe event id acted on once. */
import { expect, it } from 'vitest'
import { eachStore } from '../../test/each-store.ts'
import { preparedDataOf } from '../../test/fixtures.ts'
import { payments } from './domain.ts'

eachStore('payments data', ({ fresh }) => {
  async function repo() {
    return preparedDataOf(payments, await fresh())
  }

  it('marks an event once, and forgets it so a redelivery is acted on', async () => {
    const { webhookEvents } = await repo()
    expect(await webhookEvents.markOnce('evt_1')).toBe(true)
    expect(await webhookEvents.markOnce('evt_1')).toBe(false)
    expect(await webhookEvents.markOnce('evt_2')).toBe(true)
    await webhookEvents.unmark('evt_1')
    expect(await webhookEvents.markOnce('evt_1')).toBe(true)
    await webhookEvents.unmark('never-marked')
  })

  it('answers true to exactly one of 20 concurrent marks', async () => {
    const { webhookEvents } = await repo()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => webhookEvents.markOnce('evt_1')),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })
})
