/**
 * A test's reader of a server-sent events stream, over fetch: every message is collected as it
 * arrives (`event` and parsed JSON `data`), and `next` waits for one matching a check.
 */
export interface SseMessage {
  event: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read messages loosely
  data: any
}

export interface SseReader {
  status: number
  headers: Headers
  messages: SseMessage[]
  /** The first message from `from` on (default: the next unread) that passes `check`. */
  next(check?: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>
  /** Whether the server ended the stream. */
  readonly ended: boolean
  close(): void
}

export async function readSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseReader> {
  const abort = new AbortController()
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  })
  const messages: SseMessage[] = []
  let ended = false
  let read = 0
  const waiting = new Set<() => void>()
  const wake = () => {
    for (const w of [...waiting]) w()
  }
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder()
      let buffer = ''
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true })
          let cut = buffer.indexOf('\n\n')
          while (cut >= 0) {
            const block = buffer.slice(0, cut)
            buffer = buffer.slice(cut + 2)
            cut = buffer.indexOf('\n\n')
            let event = 'message'
            const data: string[] = []
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim()
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
            }
            if (data.length === 0) continue
            messages.push({ event, data: JSON.parse(data.join('\n')) })
            wake()
          }
        }
      } catch {}
      ended = true
      wake()
    })()
  }
  return {
    status: res.status,
    headers: res.headers,
    messages,
    get ended() {
      return ended
    },
    next(check = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const look = () => {
          while (read < messages.length) {
            const m = messages[read++] as SseMessage
            if (check(m)) {
              done()
              return resolve(m)
            }
          }
          if (ended) {
            done()
            reject(new Error('the stream ended'))
          }
        }
        const timer = setTimeout(() => {
          done()
          reject(
            new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages)}`),
          )
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          waiting.delete(look)
        }
        waiting.add(look)
        look()
      })
    },
    close: () => abort.abort(),
  }
}
