/**
 * The dashboard token (`#token=…`) or a share link's secret (`#share=…`) arrives once in
 * the link's fragment (never sent to a server), then lives in browser storage and leaves the
 * address bar. The big screen keeps it in localStorage (a TV reboots), the analytics
 * page in sessionStorage.
 */
const KEY = 'tally-dashboard'

export function takeToken(storage: Storage): string {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const fromLink = fragment.get('share') ?? fragment.get('token')
  if (fromLink) {
    storage.setItem(KEY, fromLink)
    history.replaceState(null, '', location.pathname + location.search)
  }
  return storage.getItem(KEY) ?? ''
}

export function saveToken(storage: Storage, token: string): void {
  storage.setItem(KEY, token)
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(KEY)
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** GET a JSON answer of the collector with the token. */
export async function getJson<T>(path: string, token: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, signal })
  const body = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } }
  if (!res.ok) throw new HttpError(res.status, body.error?.code ?? 'ERR', body.error?.message ?? res.statusText)
  return body
}
