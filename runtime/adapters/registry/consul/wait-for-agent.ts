/**
 * Start-up check of the Consul registry: the agent answers and its cluster has a leader
 * (without one, registrations are not synced and health queries fail), within a bound.
 */
import type Consul from 'consul'

const RETRY_EVERY_MS = 200
/** Longest a single try may take. */
const TRY_TIMEOUT_MS = 2000

/** `timeout` is one of the client's documented options for every method, missing from its types. */
type CallOptions = Parameters<Consul['status']['leader']>[0]

/** Resolves once the agent names a leader; throws an error naming CONSUL_HTTP_ADDR after `timeoutMs`. */
export async function waitForAgent(
  consul: Consul,
  agent: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let reason = 'no answer'
  for (;;) {
    try {
      const timeout = Math.max(100, Math.min(TRY_TIMEOUT_MS, deadline - Date.now()))
      const leader = await consul.status.leader({ timeout } as CallOptions)
      if (leader) return
      reason = 'the agent answers but its cluster has no leader yet'
    } catch (err) {
      reason = String((err as Error)?.message ?? err)
    }
    if (Date.now() + RETRY_EVERY_MS > deadline)
      throw new Error(
        `CONSUL_HTTP_ADDR: the Consul agent at ${agent} could not be used within ${timeoutMs} ms (${reason})`,
      )
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS))
  }
}
