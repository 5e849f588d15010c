/**
 * Internal calls over the wire: with OMS_INTERNAL_TOKEN set, a call without the token or with a
 * wrong one is refused UNAUTHENTICATED before any handler runs; with it, a domain may call only
 * the methods the serving domain allows it (`access`), admin methods only for an admin.
 * Nothing changes on a refused call.
 */
import { Client, credentials, status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kitchen } from '../../functions/kitchen/domain.ts'
import { orders } from '../../functions/orders/domain.ts'
import { stock } from '../../functions/stock/domain.ts'
import { stockService } from '../../shared/services.ts'
import { dataOf, silentLogger, testEnv } from '../../test/fixtures.ts'
import { rawCall } from '../../test/servers/raw-grpc.ts'
import { loadFunctions } from '../catalog.ts'
import { createRuntime, type Runtime } from '../host.ts'
import type { UnaryMethod } from '../model/grpc-service.ts'
import { allowed } from './grpc-binding.ts'

const TOKEN = 'internal-token-for-the-tests-0123456789'

let runtime: Runtime
let client: Client
beforeAll(async () => {
  runtime = await createRuntime({
    env: testEnv({ OMS_INTERNAL_TOKEN: TOKEN, HOST: '127.0.0.1' }),
    functions: await loadFunctions(['stock', 'orders', 'menu']),
    log: silentLogger,
  })
  await runtime.start()
  client = new Client(`127.0.0.1:${runtime.bound.grpcPort}`, credentials.createInsecure())
})
afterAll(async () => {
  client?.close()
  await runtime?.stop()
})

const call = async (method: UnaryMethod, request: unknown, headers: Record<string, string>) => ({
  code: await rawCall(client, method, request, headers),
})

const setLevel = stockService.definition.setLevel
const brownie = async () => (await dataOf(stock, runtime.adapters.store).levels(['brownie']))[0]
const bearer = { authorization: `Bearer ${TOKEN}` }

describe('internal gRPC calls with OMS_INTERNAL_TOKEN', () => {
  it('serves gRPC on loopback only when no other process can find this one', () => {
    expect(runtime.config.grpcHost).toBe('127.0.0.1')
  })

  it.each([
    ['no credential', {}],
    ['a wrong token', { authorization: 'Bearer not-the-internal-token-at-all-000000' }],
    ['a token without Bearer', { authorization: TOKEN }],
  ])('refuses a call with %s as UNAUTHENTICATED, changing nothing', async (_what, headers) => {
    const before = await brownie()
    const answer = await call(
      setLevel,
      { itemId: 'brownie', onHand: 999_999 },
      { ...headers, 'x-oms-caller': 'gateway', 'x-oms-on-behalf-of': 'admin' },
    )
    expect(answer.code).toBe(status.UNAUTHENTICATED)
    expect(await brownie()).toEqual(before)
  })

  it.each([
    ['the kitchen', { 'x-oms-caller': 'kitchen' }],
    ['payments, claiming an admin', { 'x-oms-caller': 'payments', 'x-oms-on-behalf-of': 'admin' }],
    ['the gateway, for no admin', { 'x-oms-caller': 'gateway' }],
    ['no domain', {}],
  ])('refuses SetLevel from %s as PERMISSION_DENIED', async (_what, headers) => {
    const before = await brownie()
    const answer = await call(
      setLevel,
      { itemId: 'brownie', onHand: 999_999 },
      {
        ...bearer,
        ...headers,
      },
    )
    expect(answer.code).toBe(status.PERMISSION_DENIED)
    expect(await brownie()).toEqual(before)
  })

  it('lets the gateway set a level for an admin', async () => {
    const answer = await call(
      setLevel,
      { itemId: 'brownie', onHand: 12 },
      {
        ...bearer,
        'x-oms-caller': 'gateway',
        'x-oms-on-behalf-of': 'admin',
      },
    )
    expect(answer.code).toBe(status.OK)
    expect(await brownie()).toMatchObject({ onHand: 12 })
  })
})

describe('access rules of the domains', () => {
  const may = (
    domain: typeof orders | typeof stock | typeof kitchen,
    method: string,
    request: unknown,
    caller: { domain: string; onBehalfOf?: 'admin' | 'staff' },
  ) => allowed(domain as never, method, request, caller)

  it('lets the kitchen move an order only to preparing, ready or collected, and payments only record a link', () => {
    const update = (status: string, paymentLink = '') => ({ orderId: 'o', status, paymentLink })
    expect(may(orders, 'updateOrder', update('preparing'), { domain: 'kitchen' })).toBe(true)
    expect(may(orders, 'updateOrder', update('ready'), { domain: 'kitchen' })).toBe(true)
    expect(may(orders, 'updateOrder', update('collected'), { domain: 'kitchen' })).toBe(true)
    expect(may(orders, 'updateOrder', update('cancelled'), { domain: 'kitchen' })).toBe(false)
    expect(may(orders, 'updateOrder', update('paid'), { domain: 'kitchen' })).toBe(false)
    expect(may(orders, 'updateOrder', update('', 'https://x'), { domain: 'kitchen' })).toBe(false)
    expect(may(orders, 'updateOrder', update('', 'https://x'), { domain: 'payments' })).toBe(true)
    expect(may(orders, 'updateOrder', update('paid'), { domain: 'payments' })).toBe(false)
    expect(may(orders, 'updateOrder', update('paid'), { domain: 'gateway' })).toBe(false)
  })

  it('never lets the gateway read an order without naming the customer, nor others create one', () => {
    expect(may(orders, 'getOrder', { orderId: 'o', customerId: '' }, { domain: 'gateway' })).toBe(
      false,
    )
    expect(
      may(orders, 'getOrder', { orderId: 'o', customerId: 'ann' }, { domain: 'gateway' }),
    ).toBe(true)
    expect(may(orders, 'getOrder', { orderId: 'o', customerId: '' }, { domain: 'stock' })).toBe(
      true,
    )
    expect(may(orders, 'createOrder', {}, { domain: 'kitchen' })).toBe(false)
  })

  it('lets the gateway act for signed-in staff only where the kitchen display needs it', () => {
    const staff = { domain: 'gateway', onBehalfOf: 'staff' } as const
    const admin = { domain: 'gateway', onBehalfOf: 'admin' } as const
    const anyone = { domain: 'gateway' }
    const anyOrder = { orderId: 'o', customerId: '' }
    expect(may(orders, 'getOrder', anyOrder, staff)).toBe(true)
    expect(may(orders, 'listOrdersByStatus', {}, staff)).toBe(true)
    expect(may(orders, 'listOrdersByStatus', {}, admin)).toBe(true)
    expect(may(orders, 'listOrdersByStatus', {}, anyone)).toBe(false)
    expect(may(orders, 'listOrdersByStatus', {}, { domain: 'kitchen' })).toBe(false)
    expect(may(kitchen, 'moveOrder', {}, staff)).toBe(true)
    expect(may(kitchen, 'moveOrder', {}, anyone)).toBe(false)
    expect(may(kitchen, 'moveOrder', {}, { domain: 'orders', onBehalfOf: 'staff' })).toBe(false)
    // Staff are not the admin: the menu and stock stay the admin's.
    expect(may(stock, 'setLevel', {}, staff)).toBe(false)
    expect(may(stock, 'setLevel', {}, admin)).toBe(true)
    expect(may(orders, 'updateOrder', { status: 'ready', paymentLink: '' }, staff)).toBe(false)
  })

  it("lets a domain call its own methods, and the operator's invoke everything", () => {
    expect(may(stock, 'setLevel', {}, { domain: 'stock' })).toBe(true)
    expect(allowed(stock as never, 'setLevel', {}, undefined)).toBe(true)
  })
})
