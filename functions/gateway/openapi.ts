// Trigger: HTTP GET /api/openapi.json — the public HTTP API described in OpenAPI 3.1, generated
// from the schemas its handlers check their input with and type their answers by.
import { Hono } from 'hono'
import { gateway } from './domain.ts'

export default gateway.http((ctx) => {
  // Made on the first request (zod-openapi is loaded only then), the same for the process.
  let document: Promise<unknown> | undefined
  const made = () => {
    document ??= import('./lib/openapi.ts').then(({ apiDocument }) => apiDocument(ctx.publicUrl))
    document.catch(() => {
      document = undefined
    })
    return document
  }
  return new Hono().get('/api/openapi.json', async (c) =>
    c.json(await made(), 200, { 'cache-control': 'no-cache' }),
  )
})
