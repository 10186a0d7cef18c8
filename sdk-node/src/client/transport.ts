import type { Transport, TransportResponse } from '@tally/sdk-browser/core'

export const USER_AGENT = 'tally-sdk-node/0.1'

/**
 * The default transport for servers: global `fetch` (Node 18+, Bun, Deno, edge runtimes)
 * with a per-request timeout, and an abort signal that `close()` fires at its deadline, so
 * a hanging collector can never hold `close()` past its timeout. A timeout or an abort is
 * "no answer": the core keeps the events and retries.
 */
export function serverTransport(options: { timeoutMs: number; abort: AbortSignal; fetch?: typeof fetch }): Transport {
  const doFetch = options.fetch ?? fetch
  return async function send(req): Promise<TransportResponse> {
    const timeout = AbortSignal.timeout(options.timeoutMs)
    const signal = typeof AbortSignal.any === 'function' ? AbortSignal.any([timeout, options.abort]) : timeout
    const res = await doFetch(req.url, {
      method: 'POST',
      body: req.body,
      headers: { ...req.headers, 'user-agent': USER_AGENT },
      signal,
    })
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() }
  }
}
