import type { SiteConfig } from '../config/schema.js'

/**
 * Per-site allowed origins. A preflight carries no token, so it is answered for any
 * origin some site allows; the real request is then checked against the token's site.
 * A disallowed origin gets no CORS headers at all.
 */
export class OriginPolicy {
  private readonly bySite = new Map<string, { any: boolean; origins: Set<string> }>()
  private readonly anySite: { any: boolean; origins: Set<string> } = { any: false, origins: new Set() }

  constructor(sites: SiteConfig[]) {
    for (const site of sites) {
      const entry = { any: site.origins.includes('*'), origins: new Set(site.origins.map(normalise)) }
      this.bySite.set(site.id, entry)
      this.anySite.any ||= entry.any
      for (const o of entry.origins) this.anySite.origins.add(o)
    }
  }

  /** May this origin send events for this site? An absurdly long Origin never may, even for `*`. */
  allows(siteId: string, origin: string): boolean {
    const entry = this.bySite.get(siteId)
    if (!entry || origin.length > MAX_ORIGIN_LENGTH) return false
    return entry.any || entry.origins.has(normalise(origin))
  }

  /** May this origin send events for some site? (For preflights.) */
  allowsSomeSite(origin: string): boolean {
    if (origin.length > MAX_ORIGIN_LENGTH) return false
    return this.anySite.any || this.anySite.origins.has(normalise(origin))
  }
}

/**
 * A real Origin is scheme://host[:port]: a host is at most 253 characters. Longer ones
 * are refused before any work, and never echoed back in CORS headers.
 */
export const MAX_ORIGIN_LENGTH = 2048

/**
 * Lower case, trailing slashes dropped. A loop, not `/\/+$/`: that regex restarts at
 * every slash of the string, quadratic in an attacker's Origin header.
 */
export function normalise(origin: string): string {
  let end = origin.length
  while (end > 0 && origin.charCodeAt(end - 1) === 0x2f) end--
  return origin.slice(0, end).toLowerCase()
}

/** CORS headers for an allowed origin. Credentials are never used: the token travels in the request. */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After' }
}

export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  // Browsers cap this (Chromium at 2 h); one preflight per origin per cap.
  'Access-Control-Max-Age': '86400',
}
