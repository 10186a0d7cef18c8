import { createRequire } from 'node:module'
import { botFamily } from './bot.js'
import { Lru } from './lru.js'

/** The part of ua-parser-js 1.x we use (1.x ships no type declarations). */
interface UAParserResult {
  browser: { name?: string; major?: string }
  os: { name?: string; version?: string }
  device: { type?: string }
}
type UAParserFn = (ua: string) => UAParserResult
// ua-parser-js 1.x (MIT) only: 2.x is AGPL-3.0. Called without `new` it returns the result.
const uaParser = createRequire(import.meta.url)('ua-parser-js') as UAParserFn

/** What the `events` row keeps of a User-Agent. */
export interface UserAgentInfo {
  browser: string
  /** Major version only, e.g. `124`. */
  browser_version: string
  os: string
  os_version: string
  /** `desktop`, `mobile`, `tablet`, `tv`, `console`, `wearable`, `embedded`, `xr` or `bot`. */
  device_type: string
  is_bot: 0 | 1
  /** The bot family (`googlebot`, `curl`, `empty`…), '' for a person; see bot.ts. */
  bot: string
}

export interface UserAgentParserOptions {
  /** Treat HeadlessChrome as a browser (see bot.ts). Default `false`. */
  allowHeadless?: boolean
  /** Distinct User-Agents cached. Default 5,000. */
  maxEntries?: number
}

/**
 * Longer UAs are cut to this before parsing and caching, so the cache stays small
 * (5,000 × 512 chars) even when a client sends huge headers. Real UAs are shorter.
 */
const MAX_UA_LENGTH = 512

/** ua-parser-js says `smarttv`; the row says `tv`. */
const DEVICE_TYPES: Record<string, string> = { smarttv: 'tv' }

/**
 * A cached User-Agent parser. A parse costs ~22 µs, a cache hit ~1 µs; the cache is
 * keyed by the UA string (its first 512 characters), and bounded. Results are frozen and shared: do not
 * mutate them.
 *
 * @example
 * const parse = createUserAgentParser({ allowHeadless: false })
 * parse(req.header('user-agent') ?? '').device_type // 'desktop'
 */
export function createUserAgentParser(
  options: UserAgentParserOptions = {},
): (userAgent: string) => UserAgentInfo {
  const botOptions = { allowHeadless: options.allowHeadless ?? false }
  const cache = new Lru<string, UserAgentInfo>(options.maxEntries ?? 5_000)

  return function parseUserAgent(fullUserAgent: string): UserAgentInfo {
    const userAgent =
      fullUserAgent.length > MAX_UA_LENGTH ? fullUserAgent.slice(0, MAX_UA_LENGTH) : fullUserAgent
    const cached = cache.get(userAgent)
    if (cached) return cached
    const r = uaParser(userAgent)
    const family = botFamily(userAgent, botOptions)
    const bot = family !== ''
    const type = r.device.type
    const info: UserAgentInfo = Object.freeze({
      browser: r.browser.name ?? '',
      browser_version: r.browser.major ?? '',
      os: r.os.name ?? '',
      os_version: r.os.version ?? '',
      device_type: bot ? 'bot' : type ? (DEVICE_TYPES[type] ?? type) : 'desktop',
      is_bot: bot ? 1 : 0,
      bot: family,
    })
    cache.set(userAgent, info)
    return info
  }
}

/**
 * Parses a User-Agent with a shared default parser (HeadlessChrome is a bot).
 *
 * @example
 * parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) …')
 * // { browser: 'Mobile Safari', browser_version: '17', os: 'iOS', os_version: '17.4', device_type: 'mobile', is_bot: 0, bot: '' }
 */
export const parseUserAgent: (userAgent: string) => UserAgentInfo = createUserAgentParser()
