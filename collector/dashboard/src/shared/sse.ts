/**
 * Server-sent events over fetch (so the token travels in a header, not in the URL),
 * reconnecting by itself with a growing pause (0.5 s … 5 s) after any drop, a
 * collector restart included. Stops for good on 401/403.
 */
export interface StreamHandlers {
  onEvent(name: string, data: string): void
  onState(state: 'live' | 'reconnecting' | 'refused'): void
}

export function openStream(url: string, token: string, handlers: StreamHandlers): () => void {
  const abort = new AbortController()
  let pause = 500
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: abort.signal })
        if (res.status === 401 || res.status === 403) return handlers.onState('refused')
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
        handlers.onState('live')
        pause = 500
        await readEvents(res.body, handlers.onEvent)
      } catch {
        // dropped: reconnect below
      }
      if (abort.signal.aborted) return
      handlers.onState('reconnecting')
      await new Promise((r) => setTimeout(r, pause))
      pause = Math.min(pause * 2, 5_000)
    }
  }
  void run()
  return () => abort.abort()
}

async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (name: string, data: string) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      let name = 'message'
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
      }
      if (data.length) onEvent(name, data.join('\n'))
    }
  }
}
