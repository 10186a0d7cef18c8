import { describe, expect, it } from 'vitest'
import { createUserAgentParser, parseUserAgent } from './user-agent.js'

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  headless:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36',
}

describe('parseUserAgent', () => {
  it('reads Chrome on Windows as a desktop', () => {
    expect(parseUserAgent(UA.chromeWindows)).toEqual({
      browser: 'Chrome',
      browser_version: '124',
      os: 'Windows',
      os_version: '10',
      device_type: 'desktop',
      is_bot: 0,
      bot: '',
    })
  })

  it('reads Safari on an iPhone as Mobile Safari on iOS, mobile', () => {
    expect(parseUserAgent(UA.iphoneSafari)).toEqual({
      browser: 'Mobile Safari',
      browser_version: '17',
      os: 'iOS',
      os_version: '17.4',
      device_type: 'mobile',
      is_bot: 0,
      bot: '',
    })
  })

  it('tells tablets and Android phones apart', () => {
    expect(parseUserAgent(UA.ipad).device_type).toBe('tablet')
    expect(parseUserAgent(UA.androidChrome)).toMatchObject({ browser: 'Chrome', os: 'Android', device_type: 'mobile' })
    expect(parseUserAgent(UA.firefoxWindows)).toMatchObject({ browser: 'Firefox', browser_version: '125' })
  })

  it('flags Googlebot as a bot device', () => {
    expect(parseUserAgent(UA.googlebot)).toMatchObject({ is_bot: 1, device_type: 'bot', bot: 'googlebot' })
  })

  it('treats HeadlessChrome as a bot unless allowed', () => {
    expect(parseUserAgent(UA.headless)).toMatchObject({ is_bot: 1, device_type: 'bot' })
    const allowing = createUserAgentParser({ allowHeadless: true })
    expect(allowing(UA.headless)).toMatchObject({ is_bot: 0, device_type: 'desktop', browser: 'Chrome Headless' })
  })

  it('gives empty strings, not undefined, for what it cannot read', () => {
    const info = parseUserAgent('')
    expect(info).toEqual({ browser: '', browser_version: '', os: '', os_version: '', device_type: 'bot', is_bot: 1, bot: 'empty' })
  })

  it('returns the cached result for a repeated UA', () => {
    const parse = createUserAgentParser({ maxEntries: 2 })
    expect(parse(UA.chromeWindows)).toBe(parse(UA.chromeWindows))
  })
})
