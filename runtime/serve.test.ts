import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { testEnv } from '../test/fixtures.ts'
import { loadFunctions } from './catalog.ts'
import { startRuntime } from './serve.ts'

let busy: Server | undefined
afterEach(() => busy?.close())

/** A port something else listens on. */
async function takenPort(): Promise<number> {
  busy = createServer()
  await new Promise<void>((resolve) => busy!.listen(0, '127.0.0.1', resolve))
  return (busy.address() as { port: number }).port
}

describe('starting on a port in use', () => {
  it('says which gRPC port is taken and which variable moves it, without a grpc-js stack', async () => {
    const port = await takenPort()
    await expect(
      startRuntime(await loadFunctions(['stock']), testEnv({ GRPC_PORT: String(port) })),
    ).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port} for gRPC: the address is in use (set GRPC_PORT to another port)`,
    )
  })

  it('says the same of the HTTP port', async () => {
    const port = await takenPort()
    await expect(
      startRuntime(await loadFunctions(['gateway.storefront']), testEnv({ PORT: String(port) })),
    ).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: the address is in use (set PORT to another port)`,
    )
  })
})
