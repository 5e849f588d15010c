/**
 * Store commands counted by FerretDB itself: its Prometheus counter
 * `ferretdb_client_requests_total{command, opcode}` read from `/debug/metrics`, without the
 * commands drivers send to keep a connection alive or describe the server (heartbeats,
 * handshakes, session ends), which no order causes.
 */

/** Commands per name. */
export type CommandCounts = Record<string, number>

/** Sent by drivers on their own (monitoring, handshakes, authentication), never by an order. */
const HOUSEKEEPING = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'ping',
  'buildInfo',
  'buildinfo',
  'endSessions',
  'saslStart',
  'saslContinue',
  'getParameter',
  'unknown',
])

const REQUESTS =
  /^ferretdb_client_requests_total\{(?=[^}]*command="([^"]*)")(?=[^}]*opcode="([^"]*)")[^}]*\}\s+(\S+)$/

/** The counts of commands FerretDB has received so far, by command name. */
export async function commandCounts(metricsUrl: string): Promise<CommandCounts> {
  const res = await fetch(metricsUrl)
  if (!res.ok) throw new Error(`FerretDB metrics at ${metricsUrl}: ${res.status}`)
  const counts: CommandCounts = {}
  for (const line of (await res.text()).split('\n')) {
    const m = REQUESTS.exec(line)
    if (!m) continue
    const [, command = '', opcode = '', value = '0'] = m
    // OP_QUERY is only the legacy handshake; orders travel as OP_MSG.
    if (opcode !== 'OP_MSG' || HOUSEKEEPING.has(command)) continue
    counts[command] = (counts[command] ?? 0) + Number(value)
  }
  return counts
}

/** after − before, per command (commands that did not move are left out). */
export function countsBetween(before: CommandCounts, after: CommandCounts): CommandCounts {
  const out: CommandCounts = {}
  for (const [command, n] of Object.entries(after)) {
    const d = n - (before[command] ?? 0)
    if (d !== 0) out[command] = d
  }
  return out
}

/** a − b × factor per command (e.g. a window's counts less what background work does in it). */
export function minus(a: CommandCounts, b: CommandCounts, factor = 1): CommandCounts {
  const out: CommandCounts = { ...a }
  for (const [command, n] of Object.entries(b)) out[command] = (out[command] ?? 0) - n * factor
  return out
}

/** Each count divided by `by`. */
export function per(counts: CommandCounts, by: number): CommandCounts {
  return Object.fromEntries(Object.entries(counts).map(([c, n]) => [c, n / by]))
}

export const total = (counts: CommandCounts) => Object.values(counts).reduce((a, b) => a + b, 0)

/** "insert 3.0, findAndModify 9.0, find 1.0" (largest first, those rounding to 0.0 left out). */
export function describeCounts(counts: CommandCounts, digits = 1): string {
  return Object.entries(counts)
    .filter(([, n]) => Math.abs(n) >= 0.5 * 10 ** -digits)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n.toFixed(digits)}`)
    .join(', ')
}
