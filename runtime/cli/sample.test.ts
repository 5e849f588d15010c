import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { type JsonSchema, sampleOf, setPath } from './sample.ts'

const schemaOf = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema

describe('samples from a JSON Schema', () => {
  it('meet the zod schema they were made from', () => {
    const schemas: z.ZodType[] = [
      z.object({
        eventId: z.string().min(1),
        at: z.iso.datetime({ offset: true }),
        day: z.iso.date(),
        mail: z.email(),
        link: z.url(),
        ref: z.uuid(),
        code: z.string().min(3).max(5),
        count: z.int().positive(),
        ratio: z.number().gt(0).lte(1),
        lines: z.array(z.object({ id: z.string(), n: z.int().nonnegative() })).min(2),
        kind: z.enum(['a', 'b']),
        fixed: z.literal('x'),
        either: z.union([z.string(), z.int()]),
        maybe: z.string().nullable(),
        later: z.string().optional(),
        flag: z.boolean(),
        tuple: z.tuple([z.string(), z.int()]),
      }),
      z.object({ nested: z.object({ deep: z.object({ itemId: z.string().min(1) }) }) }),
    ]
    for (const schema of schemas)
      expect(schema.safeParse(sampleOf(schemaOf(schema))).error).toBe(undefined)
  })

  it('name ids after their field, fresh each time; declared examples and defaults win', () => {
    const schema = schemaOf(
      z.object({
        orderId: z.string(),
        currency: z.string().meta({ examples: ['eur'] }),
        size: z.int().default(3),
      }),
    )
    const a = sampleOf(schema) as Record<string, unknown>
    const b = sampleOf(schema) as Record<string, unknown>
    expect(a.orderId).toMatch(/^order_[0-9a-f]{12}$/)
    expect(a.orderId).not.toBe(b.orderId)
    expect(a.currency).toBe('eur')
    expect(a.size).toBe(3)
  })

  it('set fields by dotted path, as JSON when they are JSON', () => {
    const value = { a: { b: 1 }, c: 'x' }
    expect(setPath(value, 'a.b=2')).toEqual({ a: { b: 2 }, c: 'x' })
    expect(setPath(value, 'c=hello world')).toEqual({ a: { b: 2 }, c: 'hello world' })
    expect(setPath(value, 'd.e=[1]')).toMatchObject({ d: { e: [1] } })
    expect(() => setPath(value, 'nothing')).toThrow(/<field>=<value>/)
  })
})
