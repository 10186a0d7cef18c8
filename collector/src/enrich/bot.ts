/**
 * Bot detection from the User-Agent header: a short list of patterns that catches
 * the crawlers and scripted clients seen in practice, not an exhaustive database.
 *
 * Deliberately NOT flagged:
 * - `okhttp/…` (React Native's fetch on Android) and `…CFNetwork/… Darwin/…` (iOS):
 *   mobile apps send with sdk-browser's core from those stacks.
 * - `node` / `undici` (Node's own fetch): sdk-node and Tally's tests post with it.
 *   Server-sent events are not bot-checked at all (see enrich-event.ts).
 */
const BOT_PATTERNS: readonly string[] = [
  // Crawlers name themselves: Googlebot, bingbot, AhrefsBot, Slackbot, …
  // (`cubot` is a phone brand, hence the look-behind.)
  '(?<!cu)bot',
  'crawl', // crawler, Crawl
  'spider', // Baiduspider, YisouSpider
  'slurp', // Yahoo! Slurp
  'facebookexternalhit', // link previews
  'preview', // BingPreview, Google Web Preview
  'headless', // HeadlessChrome, and PhantomJS-style headless tools
  'phantomjs',
  'lighthouse', // Chrome-Lighthouse audits
  // Scripted HTTP clients.
  '^curl/',
  '^wget/',
  'python-requests',
  'python-urllib',
  'python-httpx',
  'aiohttp',
  'scrapy',
  'go-http-client',
  '^java/',
  'apache-httpclient',
  'libwww-perl',
]

const BOT_RE = new RegExp(BOT_PATTERNS.join('|'), 'i')
const BOT_RE_ALLOWING_HEADLESS = new RegExp(
  BOT_PATTERNS.filter((p) => p !== 'headless').join('|'),
  'i',
)

export interface BotCheckOptions {
  /**
   * Treat `HeadlessChrome` as a real browser. Default `false`. Tally's end-to-end
   * tests drive headless Chromium, so the collector passes this from its config.
   */
  allowHeadless?: boolean
}

/**
 * Whether a User-Agent looks like a bot. An empty or missing UA is a bot: every
 * browser and mobile HTTP stack sends one.
 *
 * @example
 * isBot('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)') // true
 * isBot('Mozilla/5.0 (X11; Linux x86_64) … HeadlessChrome/124.0 …', { allowHeadless: true }) // false
 */
export function isBot(userAgent: string | undefined, options: BotCheckOptions = {}): boolean {
  if (!userAgent || userAgent.trim() === '') return true
  return (options.allowHeadless ? BOT_RE_ALLOWING_HEADLESS : BOT_RE).test(userAgent)
}
