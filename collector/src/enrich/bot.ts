import { getPattern } from 'isbot'

/**
 * Bot detection from the User-Agent header, by the maintained `isbot` package
 * (Unlicense; its pattern list is curated against tens of thousands of crawler and
 * browser user agents). `npm run enrich:accuracy` measures it.
 *
 * Our own rules, each for a gap that isbot leaves for Tally's senders:
 * - An empty or blank UA is a bot (isbot says no): every browser and app stack sends one.
 * - `okhttp/…` is not a bot (isbot says yes): React Native's fetch on Android sends
 *   exactly that, and apps post with sdk-browser's core. Only the okhttp token is
 *   forgiven: any other bot sign in the same UA still counts.
 *   (iOS apps send `…CFNetwork/… Darwin/…`, which isbot already lets through.)
 * - `allowHeadless` reads `HeadlessChrome` as Chrome, for tests that drive headless Chromium.
 * Server events (sdk-node, `node`/`undici`) are not bot-checked at all (enrich-event.ts).
 */
const BOT_RE = getPattern()
const OKHTTP = /\bokhttp\/[\d.]+/gi
const HEADLESS_CHROME = /HeadlessChrome/g
/** Characters that end a product token (`Googlebot/2.1;` → `Googlebot`). */
const TOKEN_END = /[\s/;()+,:"'[\]{}<>=|\\]/
const MAX_FAMILY_LENGTH = 40

export interface BotCheckOptions {
  /**
   * Treat `HeadlessChrome` as a real browser. Default `false`. Tally's end-to-end
   * tests drive headless Chromium, so the collector passes this from its config.
   */
  allowHeadless?: boolean
}

/**
 * The bot family of a User-Agent, or '' for a person. The family is the product
 * token that holds isbot's match, lower-cased (`Googlebot/2.1` → `googlebot`,
 * `curl/8.5.0` → `curl`); `empty` for a missing UA; `other` when the match is
 * not inside a token. It feeds `events.bot` and the `bots_daily` rollup.
 *
 * @example
 * botFamily('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)') // 'googlebot'
 * botFamily('Mozilla/5.0 (X11; Linux x86_64) … HeadlessChrome/124.0 …', { allowHeadless: true }) // ''
 * botFamily('okhttp/4.9.2') // '' (React Native on Android)
 */
export function botFamily(userAgent: string | undefined, options: BotCheckOptions = {}): string {
  if (!userAgent || userAgent.trim() === '') return 'empty'
  let ua = userAgent
  if (options.allowHeadless) ua = ua.replace(HEADLESS_CHROME, 'Chrome')
  const app = ua.replace(OKHTTP, '').trim()
  if (app !== ua.trim()) {
    if (app === '') return '' // okhttp alone: an app
    ua = app
  }
  const match = BOT_RE.exec(ua)
  if (!match) return ''
  return tokenAround(ua, match.index, match[0].length) || 'other'
}

/** Whether a User-Agent looks like a bot (see {@link botFamily}). */
export function isBot(userAgent: string | undefined, options: BotCheckOptions = {}): boolean {
  return botFamily(userAgent, options) !== ''
}

/** The token around [at, at+length): widened to token ends, cut before the version. */
function tokenAround(ua: string, at: number, length: number): string {
  let start = at
  while (start > 0 && !TOKEN_END.test(ua[start - 1]!)) start--
  let end = at + Math.max(length, 1)
  // the match itself may span several tokens (`^curl/8.5.0$`): keep the first
  for (let i = start; i < end; i++) {
    if (TOKEN_END.test(ua[i]!)) {
      end = i
      break
    }
  }
  while (end < ua.length && !TOKEN_END.test(ua[end]!)) end++
  return ua
    .slice(start, end)
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '')
    .slice(0, MAX_FAMILY_LENGTH)
}
