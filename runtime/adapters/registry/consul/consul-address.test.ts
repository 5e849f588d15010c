import { describe, expect, it } from 'vitest'
import { parseConsulAddress } from './consul-address.ts'
import { serviceNameOf } from './service-name.ts'

describe('parseConsulAddress', () => {
  it.each([
    ['127.0.0.1:8500', { host: '127.0.0.1', port: 8500, secure: false }],
    ['consul:18500', { host: 'consul', port: 18500, secure: false }],
    ['consul', { host: 'consul', port: 8500, secure: false }],
    ['consul:80', { host: 'consul', port: 80, secure: false }],
    ['http://consul:8500', { host: 'consul', port: 8500, secure: false }],
    ['http://consul:8500/', { host: 'consul', port: 8500, secure: false }],
    ['https://consul.example:8501', { host: 'consul.example', port: 8501, secure: true }],
    ['https://consul.example', { host: 'consul.example', port: 443, secure: true }],
    ['[::1]:8500', { host: '[::1]', port: 8500, secure: false }],
  ])('reads %s', (value, expected) => {
    expect(parseConsulAddress(value)).toMatchObject(expected)
  })

  it.each(['unix:///tmp/consul.sock', 'http://consul:8500/v1', 'http://', 'consul:notaport'])(
    'refuses %s, naming CONSUL_HTTP_ADDR',
    (value) => {
      expect(() => parseConsulAddress(value)).toThrow(/CONSUL_HTTP_ADDR/)
    },
  )
})

describe('serviceNameOf', () => {
  it('writes the dot of a function name as -- (one DNS label)', () => {
    expect(serviceNameOf('stock.reserve-stock')).toBe('stock--reserve-stock')
    expect(serviceNameOf('gateway.orders-api')).toBe('gateway--orders-api')
    expect(serviceNameOf('Odd_Name.x')).toMatch(/^[a-z0-9-]+$/)
  })
})
