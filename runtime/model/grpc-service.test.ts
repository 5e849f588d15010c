/** In-process calls copy messages through their generated types, as the wire would deliver them. */
import { describe, expect, it } from 'vitest'
import * as services from '../../shared/services.ts'
import { listFunctionFiles } from '../catalog.ts'
import { functionForMethod, messageCopies, rpcMethodOf } from './grpc-service.ts'

const ALL = Object.values(services)

describe('messageCopies', () => {
  it('exists for every method of every service (requests and responses follow buf naming)', () => {
    expect(ALL.length).toBeGreaterThan(0)
    for (const service of ALL)
      for (const method of Object.keys(service.definition))
        expect(() => messageCopies(service, method), `${service.name}.${method}`).not.toThrow()
  })

  it('refuses a method the service does not have', () => {
    expect(() => messageCopies(services.stockService, 'stealStock')).toThrow(/stealStock/)
  })

  it('keeps only the schema’s fields, fills defaults and shares nothing with the caller', () => {
    const copies = messageCopies(services.stockService, 'checkStock')
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

describe('the function of a method', () => {
  it('is named after the serving domain and the method, as the proto names the RPC', () => {
    expect(rpcMethodOf(services.menuService, 'getItems')).toBe('GetItems')
    expect(functionForMethod(services.orderService, 'createOrder')).toBe('orders.create-order')
  })

  it('exists for every method of every service', async () => {
    const files = new Set((await listFunctionFiles()).map((f) => f.name))
    for (const service of ALL)
      for (const method of Object.keys(service.definition))
        expect(files, `${service.name}.${method}`).toContain(functionForMethod(service, method))
  })
})
