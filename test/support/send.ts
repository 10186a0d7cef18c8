/** Helpers to send wire batches to a collector with plain fetch, as any client would. */
export interface EventInput {
  id?: string
  type?: string
  name?: string
  ts?: number
  anon_id?: string
  url?: string
  [key: string]: unknown
}

export function pageview(over: EventInput = {}): EventInput {
  return { id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: Date.now(), anon_id: 'visitor-1', url: 'https://shop.example/', ...over }
}

export interface SendOptions {
  token?: string
  origin?: string
  contentType?: string
  /** Put the token in the body instead of the Authorization header. */
  tokenInBody?: boolean
}

export async function sendBatch(url: string, events: unknown[], o: SendOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': o.contentType ?? 'text/plain' }
  if (o.token && !o.tokenInBody) headers.Authorization = `Bearer ${o.token}`
  if (o.origin) headers.Origin = o.origin
  const body = { sent_at: Date.now(), events, ...(o.tokenInBody ? { token: o.token } : {}) }
  return fetch(`${url}/v1/batch`, { method: 'POST', headers, body: JSON.stringify(body) })
}
