import { describe, expect, it } from 'vitest'
import { parseReferrer, siteHostSet } from './referrer.js'

const PAGE = 'https://www.shop.example/products/42'

describe('parseReferrer: channel', () => {
  it.each([
    ['https://www.google.com/', 'search'],
    ['https://www.google.co.uk/search?q=shoes', 'search'],
    ['https://www.bing.com/', 'search'],
    ['https://duckduckgo.com/', 'search'],
    ['https://yandex.ru/', 'search'],
    ['android-app://com.google.android.googlequicksearchbox/', 'search'],
    ['https://www.facebook.com/', 'social'],
    ['https://l.facebook.com/l.php?u=x', 'social'],
    ['https://t.co/abc', 'social'],
    ['https://x.com/someone', 'social'],
    ['https://www.linkedin.com/feed/', 'social'],
    ['https://old.reddit.com/r/x', 'social'],
    ['https://www.youtube.com/watch?v=1', 'social'],
    ['https://mail.google.com/mail/u/0/', 'email'],
    ['https://outlook.live.com/mail/', 'email'],
    ['https://blog.somewhere.org/post', 'referral'],
    ['https://t.example.org/', 'referral'],
  ])('%s → %s', (referrer, channel) => {
    expect(parseReferrer(referrer, PAGE).channel).toBe(channel)
  })

  it.each([
    ['https://chatgpt.com/', 'ChatGPT'],
    ['https://chat.openai.com/', 'ChatGPT (old host)'],
    ['https://www.perplexity.ai/', 'Perplexity'],
    ['https://gemini.google.com/', 'Gemini, though google.com is search'],
    ['https://copilot.microsoft.com/', 'Copilot'],
    ['https://claude.ai/', 'Claude'],
    ['https://chat.deepseek.com/', 'DeepSeek'],
  ])('AI assistant: %s (%s) → ai', (referrer) => {
    expect(parseReferrer(referrer, PAGE).channel).toBe('ai')
  })

  it('AI assistants that tag their links instead of sending a referrer', () => {
    expect(parseReferrer('', `${PAGE}?utm_source=chatgpt.com`).channel).toBe('ai')
    expect(parseReferrer('', `${PAGE}?utm_source=perplexity`).channel).toBe('ai')
  })

  it.each([
    ['https://www.baidu.com/', 'search'],
    ['https://m.baidu.com/', 'search'],
    ['https://www.sogou.com/', 'search'],
    ['https://www.so.com/', 'search'],
    ['https://m.sm.cn/', 'search'],
    ['https://weibo.com/', 'social'],
    ['https://m.weibo.cn/', 'social'],
    ['https://user.qzone.qq.com/', 'social'],
    ['http://www.renren.com/', 'social'],
    ['https://www.zhihu.com/', 'social'],
    ['https://www.xiaohongshu.com/', 'social'],
    ['https://www.douyin.com/', 'social'],
    ['https://www.bilibili.com/', 'social'],
    ['https://mp.weixin.qq.com/', 'social'],
    ['https://mail.qq.com/', 'email'],
  ])('Chinese platform %s → %s', (referrer, channel) => {
    expect(parseReferrer(referrer, PAGE).channel).toBe(channel)
  })

  it('webmail by host, and by a mail label under a search engine', () => {
    expect(parseReferrer('https://mail.yandex.ru/', PAGE).channel).toBe('email')
    expect(parseReferrer('https://mail.google.co.uk/', PAGE).channel).toBe('email')
    expect(parseReferrer('https://webmail.provider.example/', PAGE).channel).toBe('email')
    expect(parseReferrer('https://go.mail.ru/', PAGE).channel).toBe('search')
  })

  it('ad networks are paid', () => {
    expect(parseReferrer('https://googleads.g.doubleclick.net/', PAGE).channel).toBe('paid')
    expect(parseReferrer('https://www.googleadservices.com/', PAGE).channel).toBe('paid')
  })

  it("the site's configured hosts are internal, www or not; others are not", () => {
    const hosts = siteHostSet(['Shop.Example', 'cdn.shop-static.example.'])
    expect(parseReferrer('https://cdn.shop-static.example/x', PAGE, hosts).channel).toBe('internal')
    expect(parseReferrer('https://www.cdn.shop-static.example/', PAGE, hosts).channel).toBe('internal')
    expect(parseReferrer('https://shop.example/', 'https://checkout.other.example/', hosts).channel).toBe('internal')
    expect(parseReferrer('https://cdn.shop-static.example/x', PAGE).channel).toBe('referral')
    // a self-referral keeps internal even with a campaign tag carried along
    expect(parseReferrer('https://shop.example/a', `${PAGE}?utm_medium=cpc`, hosts).channel).toBe('internal')
  })

  it('a search engine name in a foreign host is not that search engine', () => {
    expect(parseReferrer('https://google.example.com/', PAGE).channel).toBe('referral')
    expect(parseReferrer('https://www.notgoogle.com/', PAGE).channel).toBe('referral')
  })

  it('no referrer is direct', () => {
    expect(parseReferrer('', PAGE)).toMatchObject({ channel: 'direct', referrer_host: '' })
  })

  it('a referrer on the same host is internal, www. or not', () => {
    expect(parseReferrer('https://shop.example/cart', PAGE).channel).toBe('internal')
    expect(parseReferrer('https://www.shop.example/', 'https://shop.example/').channel).toBe('internal')
    // another subdomain is another site
    expect(parseReferrer('https://blog.shop.example/', PAGE).channel).toBe('referral')
  })

  it('paid: utm_medium cpc/ppc/paid*, or an ad click id', () => {
    expect(parseReferrer('https://www.google.com/', `${PAGE}?utm_medium=cpc`).channel).toBe('paid')
    expect(parseReferrer('https://www.facebook.com/', `${PAGE}?utm_medium=paid_social`).channel).toBe('paid')
    expect(parseReferrer('https://www.google.com/', `${PAGE}?gclid=abc`).channel).toBe('paid')
    expect(parseReferrer('', `${PAGE}?msclkid=abc`).channel).toBe('paid')
    // fbclid is on organic Facebook links too: the referrer decides
    expect(parseReferrer('https://l.facebook.com/', `${PAGE}?fbclid=abc`).channel).toBe('social')
  })

  it('email: utm_medium=email even with no referrer', () => {
    expect(parseReferrer('', `${PAGE}?utm_source=newsletter&utm_medium=email`).channel).toBe('email')
  })

  it('a utm_source stands in for a missing referrer', () => {
    expect(parseReferrer('', `${PAGE}?utm_source=facebook`).channel).toBe('social')
    expect(parseReferrer('', `${PAGE}?utm_source=google&utm_medium=organic`).channel).toBe('search')
    expect(parseReferrer('', `${PAGE}?utm_source=partner-site`).channel).toBe('referral')
  })
})

describe('parseReferrer: page and UTM', () => {
  it('reads all five UTM parameters from the page URL', () => {
    const info = parseReferrer(
      'https://www.google.com/',
      'https://shop.example/landing?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&utm_term=red+shoes&utm_content=ad-1',
    )
    expect(info).toMatchObject({
      utm_source: 'google',
      utm_medium: 'cpc',
      utm_campaign: 'spring sale',
      utm_term: 'red shoes',
      utm_content: 'ad-1',
    })
  })

  it('gives empty UTM values when there are none', () => {
    expect(parseReferrer('', PAGE)).toMatchObject({ utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '' })
  })

  it('referrer_host drops www.', () => {
    expect(parseReferrer('https://www.example.org/a?b=c', PAGE).referrer_host).toBe('example.org')
  })

  it('hostname and path come from the page URL, without query or hash', () => {
    expect(parseReferrer('', 'https://www.shop.example/a/b?x=1#section')).toMatchObject({
      hostname: 'www.shop.example',
      path: '/a/b',
    })
  })

  it('keeps a hash route (#/…) but not its query', () => {
    expect(parseReferrer('', 'https://app.example/#/settings/profile?tab=2').path).toBe('/#/settings/profile')
    expect(parseReferrer('', 'https://app.example/docs#install').path).toBe('/docs')
  })

  it('copes with missing or unparseable URLs', () => {
    expect(parseReferrer('', '')).toMatchObject({ hostname: '', path: '', channel: 'direct' })
    expect(parseReferrer('not a url', 'home screen')).toMatchObject({ hostname: '', path: '', referrer_host: '', channel: 'direct' })
    expect(parseReferrer('', '/pricing?plan=pro').path).toBe('/pricing')
  })
})
