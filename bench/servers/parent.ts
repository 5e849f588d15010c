/**
 * The child side of a bench server (see bench/lib/child.ts): tells the parent it is ready,
 * answers its questions, and exits on SIGTERM through `stop` (so a CPU profile is written).
 */

type Answers = Record<string, () => unknown>

/** Reports `ready` to the parent and serves `answers` (plus `cpu`) until SIGTERM. */
export function serveParent(
  ready: unknown,
  answers: Answers = {},
  stop: () => Promise<void> = async () => {},
): void {
  const all: Answers = {
    cpu: () => {
      const { user, system } = process.cpuUsage()
      return user + system
    },
    ...answers,
  }
  process.on('message', async (message: { id: number; question: string }) => {
    const answer = all[message.question]
    try {
      if (!answer) throw new Error(`no answer to ${message.question}`)
      process.send?.({ id: message.id, result: await answer() })
    } catch (err) {
      process.send?.({ id: message.id, error: err instanceof Error ? err.message : String(err) })
    }
  })
  const exit = () => {
    const force = setTimeout(() => process.exit(0), 5000)
    force.unref()
    void stop()
      .catch(() => {})
      .finally(() => process.exit(0))
  }
  process.once('SIGTERM', exit)
  process.once('disconnect', exit)
  process.send?.({ ready })
}
