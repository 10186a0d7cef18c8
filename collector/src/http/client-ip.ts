import type { Context } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'

/**
 * The visitor's IP, for the geo lookup and the cookieless hash (never stored). Behind a
 * proxy you run (`trustProxy`), the last X-Forwarded-For entry: the address that proxy
 * saw. Entries before it are whatever the client wrote, so they are never used.
 */
export function clientIp(forwardedFor: string | undefined, remote: () => string, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    // lastIndexOf, not split: a header of 100k commas must not become 100k strings.
    const last = forwardedFor.slice(forwardedFor.lastIndexOf(',') + 1).trim()
    if (last) return last
  }
  return remote()
}

export function remoteAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? ''
  } catch {
    return '' // not behind @hono/node-server (e.g. app.request in tests)
  }
}
