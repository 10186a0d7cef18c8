import { describe, expect, it } from 'vitest'
import { botFamily, isBot } from './bot.js'

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
    ['GPTBot', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)'],
    ['a monitor', 'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)'],
    ['a bot behind okhttp', 'okhttp/4.9.2 python-requests/2.31'],
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
    ['an Android app over okhttp', 'com.example.app/1.2 (Linux; U; Android 13; SM-G991B Build/TP1A) okhttp/4.12.0'],
    ['an old IE naming a toolbar', 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1; Caboto)'],
    ['WeChat in-app browser', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'],
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

describe('botFamily', () => {
  it.each([
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'googlebot'],
    ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 'bingbot'],
    ['Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.1 (KHTML, like Gecko) Chrome/21.0 Safari/537.1; 360Spider', '360spider'],
    ['curl/8.5.0', 'curl'],
    ['', 'empty'],
    [CHROME_WIN, ''],
  ])('%s → %s', (ua, family) => {
    expect(botFamily(ua)).toBe(family)
  })

  it('stays short and plain whatever the UA holds', () => {
    const family = botFamily(`${'X'.repeat(300)}bot/1.0`)
    expect(family.length).toBeLessThanOrEqual(40)
    expect(family).toMatch(/^[a-z0-9._-]+$/)
  })
})
