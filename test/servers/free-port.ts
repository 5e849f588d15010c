/**
 * A TCP port nothing listens on right now, for a server a test starts later (a process of its
 * own, a URL named before the start). It is picked below the system's ephemeral range
 * (/proc/sys/net/ipv4/ip_local_port_range): a port the OS hands out for `listen(0)` sits in that
 * range, where any outgoing connection opened meanwhile (to the broker, the store, Consul) may
 * take it before the server binds it — the "address in use" of a process started a moment later.
 * Test files run side by side in vitest's workers: each worker (VITEST_POOL_ID) picks from a
 * slice of that range of its own, and a port is handed out once per test process, so two
 * servers started seconds apart (one per domain, the test's own) never get the same one.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** Where test ports are picked: from here up to the ephemeral range. */
const LOWEST = 20_000

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)
    const n = Number(low)
    return Number.isInteger(n) && n > LOWEST + 1000 ? n : 0
  } catch {
    return 0
  }
}

const ceiling = ephemeralLow()

/** Slices of the range, one per worker (more workers share slices, as pool ids wrap). */
const SLICES = 8

/** This worker's slice of [LOWEST, ceiling): [low, high). */
function slice(): [number, number] {
  const pool = Number(process.env.VITEST_POOL_ID)
  if (!Number.isInteger(pool) || pool < 1) return [LOWEST, ceiling]
  const width = Math.floor((ceiling - LOWEST) / SLICES)
  const low = LOWEST + ((pool - 1) % SLICES) * width
  return [low, low + width]
}

/** Ports this process handed out already. */
const handedOut = new Set<number>()

function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen(port, '127.0.0.1', () => {
      const address = server.address()
      const bound = typeof address === 'object' && address ? address.port : undefined
      server.close(() => resolve(bound))
    })
  })
}

export async function freePort(): Promise<number> {
  if (ceiling > 0) {
    const [low, high] = slice()
    for (let tries = 0; tries < 50; tries++) {
      const port = low + Math.floor(Math.random() * (high - low))
      if (handedOut.has(port)) continue
      const bound = await listenable(port)
      if (bound === undefined) continue
      handedOut.add(bound)
      return bound
    }
  }
  // No known range (not Linux) or every try taken: whatever the OS gives.
  const bound = await listenable(0)
  if (bound === undefined) throw new Error('no free port')
  return bound
}
