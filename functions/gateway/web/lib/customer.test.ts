import { describe, expect, it } from 'vitest'
import { adoptCustomerId, CUSTOMER_KEY, customerId, newCustomerId } from './customer.ts'

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial))
  return {
    getItem: (key: string) => data.get(key) ?? null,
    setItem: (key: string, value: string) => void data.set(key, value),
    data,
  }
}

describe('customerId', () => {
  it('makes an id the API accepts: letters, digits, - and _', () => {
    expect(newCustomerId()).toMatch(/^c_[0-9a-f]{24}$/)
    expect(newCustomerId()).not.toBe(newCustomerId())
  })

  it('is made once, then read back', () => {
    const storage = memoryStorage()
    const id = customerId(storage)
    expect(storage.data.get(CUSTOMER_KEY)).toBe(id)
    expect(customerId(storage)).toBe(id)
  })

  it('replaces a stored value the API would refuse', () => {
    const storage = memoryStorage({ [CUSTOMER_KEY]: 'not valid!' })
    expect(customerId(storage)).toMatch(/^c_[0-9a-f]{24}$/)
  })

  it('keeps one id for the page when storage fails', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied')
      },
      setItem: () => {
        throw new Error('denied')
      },
    }
    const id = customerId(broken)
    expect(id).toMatch(/^c_[0-9a-f]{24}$/)
    expect(customerId(broken)).toBe(id)
    expect(customerId(undefined)).toBe(id)
  })
})

describe('adoptCustomerId', () => {
  it("keeps an order page's customer id when the browser has none, never replacing one", () => {
    const empty = memoryStorage()
    adoptCustomerId('ann', empty)
    expect(customerId(empty)).toBe('ann')

    const kept = memoryStorage({ [CUSTOMER_KEY]: 'bob' })
    adoptCustomerId('ann', kept)
    expect(customerId(kept)).toBe('bob')

    const other = memoryStorage()
    adoptCustomerId('not valid!', other)
    expect(other.data.size).toBe(0)
  })
})
