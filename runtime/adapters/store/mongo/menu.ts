/** MongoDB menu repository: one document per item, `_id` = item id, listed in the order added. */
import { type Db, ObjectId } from 'mongodb'
import type { MenuItem } from '../../../../proto/gen/oms.ts'
import type { MenuRepo } from '../../../ports/store.ts'
import { COLLECTIONS, isDuplicateKey } from './indexes.ts'

interface MenuDoc {
  _id: string
  name: string
  description: string
  priceId: string
  unitAmount: number
  currency: string
  /** Set once when the item is added; orders the list. */
  seq: ObjectId
}

const toItem = (doc: MenuDoc): MenuItem => ({
  id: doc._id,
  name: doc.name,
  description: doc.description,
  priceId: doc.priceId,
  unitAmount: doc.unitAmount,
  currency: doc.currency,
})

export function mongoMenu(db: Db): MenuRepo {
  const items = db.collection<MenuDoc>(COLLECTIONS.menu)
  const upsert = async (item: MenuItem) => {
    const { id, name, description, priceId, unitAmount, currency } = item
    const result = await items.updateOne(
      { _id: id },
      {
        $set: { name, description, priceId, unitAmount, currency },
        $setOnInsert: { seq: new ObjectId() },
      },
      { upsert: true },
    )
    return {
      item: { id, name, description, priceId, unitAmount, currency },
      created: result.upsertedCount === 1,
    }
  }
  return {
    async list() {
      return (await items.find().sort({ seq: 1 }).toArray()).map(toItem)
    },
    async get(id) {
      const doc = await items.findOne({ _id: id })
      return doc ? toItem(doc) : undefined
    },
    async upsert(item) {
      try {
        return await upsert(item)
      } catch (err) {
        // Two upserts of a new id raced and the other inserted it: ours is now an update.
        if (isDuplicateKey(err)) return upsert(item)
        throw err
      }
    },
    async delete(id) {
      return (await items.deleteOne({ _id: id })).deletedCount === 1
    },
  }
}
