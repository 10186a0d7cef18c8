import { adminCheck } from '../http/admin-auth.js'
import { RequestError } from '../http/errors.js'
import { SHARE_PREFIX } from './share-store.js'

/** Which sites a caller may see: every site (dashboard or admin token) or one (a share link). */
export type Access = { all: true } | { all: false; site: string }

/** Looks a share token up: its site, or undefined when unknown or revoked. */
export type ShareLookup = (token: string) => Promise<string | undefined>

/**
 * The dashboard's gate. The dashboard and admin tokens see all sites (compared in
 * constant time); a share token sees its one site, until it is revoked.
 */
export function dashboardAccess(tokens: string[], shares: ShareLookup): (authorization: string | undefined) => Promise<Access> {
  const checks = tokens.map(adminCheck)
  return async function access(authorization) {
    for (const check of checks) {
      try {
        check(authorization)
        return { all: true }
      } catch {
        // try the next token
      }
    }
    const given = authorization?.replace(/^Bearer\s+/i, '') ?? ''
    const site = given.startsWith(SHARE_PREFIX) ? await shares(given) : undefined
    if (site) return { all: false, site }
    throw new RequestError(401, 'ERR_UNAUTHORIZED', 'a valid dashboard token or share link is required')
  }
}

/** The site a request names, if the caller may see it (default: the first it may see). */
export function allowedSite(access: Access, asked: string | undefined, siteIds: string[]): string {
  if (!access.all) {
    if (asked && asked !== access.site) throw new RequestError(403, 'ERR_SITE_FORBIDDEN', 'this share link shows one site only')
    return access.site
  }
  const site = asked || siteIds[0]!
  if (!siteIds.includes(site)) throw new RequestError(400, 'ERR_DASHBOARD_PARAM', `unknown site ${site.slice(0, 64)}`)
  return site
}
