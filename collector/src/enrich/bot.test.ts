import { describe, expect, it } from 'vitest'
import { isBot } from './bot.js'

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const HEADLESS =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36'

describe('isBot', () => {
  it.each([
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
    ['Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'],
    ['Yahoo Slurp', 'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)'],
    ['a crawler', 'SomeCrawler/1.0'],
    ['Facebook previews', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
    ['curl', 'curl/8.5.0'],
    ['wget', 'Wget/1.21.4'],
    ['python-requests', 'python-requests/2.31.0'],
    ['Go', 'Go-http-client/2.0'],
    ['Java', 'Java/17.0.2'],
    ['an empty UA', ''],
    ['a blank UA', '   '],
  ])('flags %s', (_name, ua) => {
    expect(isBot(ua)).toBe(true)
  })

  it.each([
    ['Chrome on Windows', CHROME_WIN],
    ['Safari on iPhone', IPHONE],
    ['a Cubot phone', 'Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'],
    ['React Native on Android', 'okhttp/4.9.2'],
    ['React Native on iOS', 'MyApp/1 CFNetwork/1410.0.3 Darwin/22.6.0'],
  ])('does not flag %s', (_name, ua) => {
    expect(isBot(ua)).toBe(false)
  })

  it('flags HeadlessChrome unless allowHeadless is set', () => {
    expect(isBot(HEADLESS)).toBe(true)
    expect(isBot(HEADLESS, { allowHeadless: true })).toBe(false)
    // allowHeadless does not let other bots through
    expect(isBot('Googlebot/2.1', { allowHeadless: true })).toBe(true)
  })

  it('treats a missing UA as a bot', () => {
    expect(isBot(undefined)).toBe(true)
  })
})
