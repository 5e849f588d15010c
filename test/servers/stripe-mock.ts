/**
 * stripe-mock, Stripe's own mock of its API (built by .ci/install-stripe-mock.sh), run on a
 * free port: the Stripe adapter's requests go through the real Stripe client to it, and are
 * checked against Stripe's OpenAPI description (it answers 400 to a request Stripe would refuse).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { binaryUnavailable } from './binary-check.ts'
import { freePort } from './free-port.ts'
import { goBin } from './go-bin.ts'

export const STRIPE_MOCK_BIN = join(goBin(), 'stripe-mock')

/** Why stripe-mock cannot run here (undefined when it can). */
export const stripeMockUnavailable = () =>
  binaryUnavailable('stripe-mock', STRIPE_MOCK_BIN, '-version', 'run .ci/install-stripe-mock.sh')

export interface StripeMock {
  /** For STRIPE_API_BASE. */
  url: string
  close(): Promise<void>
}

export async function startStripeMock(): Promise<StripeMock> {
  const port = await freePort()
  const child: ChildProcess = spawn(STRIPE_MOCK_BIN, ['-http-addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      // Any answer means it listens (without a key it answers 401).
      await fetch(`${url}/v1/charges`)
      break
    } catch {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`stripe-mock did not start on ${url}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {
    url,
    async close() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
