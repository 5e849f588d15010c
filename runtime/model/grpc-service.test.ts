/** In-process calls copy messages through their generated types, as the wire would deliver them. */
import { describe, expect, it } from 'vitest'
import { messageCopies, SERVICES, type ServiceKey } from './services.ts'

describe('messageCopies', () => {
  it('exists for every method of every service (requests and responses follow buf naming)', () => {
    for (const service of Object.keys(SERVICES) as ServiceKey[])
      for (const method of Object.keys(SERVICES[service].definition))
        expect(() => messageCopies(service, method), `${service}.${method}`).not.toThrow()
  })

  it('keeps only the schema’s fields, fills defaults and shares nothing with the caller', () => {
    const copies = messageCopies('stock', 'checkStock')
    const items = [{ id: 'fries', quantity: 2, colour: 'gold' }]
    const request = copies.request({ items, extra: true }) as { items: object[] }
    expect(request).toEqual({ items: [{ id: 'fries', quantity: 2 }] })
    expect(request.items).not.toBe(items)
    expect(request.items[0]).not.toBe(items[0])

    const response = copies.response({ levels: [{ itemId: 'fries' }] })
    expect(response).toEqual({
      inStock: false,
      levels: [{ itemId: 'fries', onHand: 0, reserved: 0, available: 0 }],
    })
  })
})
