/** The payments domain's data on every store adapter: each Stripe event id acted on once. */
import { expect, it } from 'vitest'
import { eachStore } from '../../test/each-store.ts'
import { preparedDataOf } from '../../test/fixtures.ts'
import { payments } from './domain.ts'

eachStore('payments data', ({ fresh }) => {
  async function repo() {
    return preparedDataOf(payments, await fresh())
  }

  it('marks an event once, storing the events it causes with the first mark only', async () => {
    const store = await fresh()
    const { webhookEvents } = await preparedDataOf(payments, store)
    const effect = (id: string) => ({ topic: 'order.paid', id, body: `{"eventId":"${id}"}` })
    expect(await webhookEvents.markOnce('evt_1', [effect('evt_1')])).toBe(true)
    expect(await webhookEvents.markOnce('evt_1', [effect('evt_1-again')])).toBe(false)
    expect(await webhookEvents.markOnce('evt_2')).toBe(true)
    const marks = store.collection('payments', payments.spec.data!.collections.webhookEvents!.spec)
    expect(await marks.pendingEvents()).toStrictEqual([{ id: 'evt_1', events: [effect('evt_1')] }])
  })

  it('answers true to exactly one of 20 concurrent marks', async () => {
    const { webhookEvents } = await repo()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => webhookEvents.markOnce('evt_1')),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
  })
})
