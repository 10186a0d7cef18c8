/**
 * Referrer hosts we add by hand to Matomo's lists (ours, MIT like the rest of Tally),
 * each for a reason Matomo's lists do not cover. build-referrer-table.ts merges them
 * in; on a conflict the channel order is ai > paid > email > social > search.
 */
export const HAND_LISTS = {
  /** AI assistants not (yet) in AIAssistants.yml; the brief's five are there already. */
  ai: [
    'chatgpt.com', 'chat.openai.com', 'perplexity.ai', 'gemini.google.com', 'copilot.microsoft.com', 'claude.ai',
    'poe.com', 'phind.com', 'pi.ai',
    // Chinese assistants: Kimi, Doubao (ByteDance), Yuanbao (Tencent), Tongyi/Qwen (Alibaba), Spark (iFlytek), Metaso
    'kimi.moonshot.cn', 'kimi.com', 'doubao.com', 'yuanbao.tencent.com', 'tongyi.aliyun.com', 'qianwen.aliyun.com',
    'xinghuo.xfyun.cn', 'metaso.cn',
  ],
  /** Ad networks: their click-through hosts are referrers only on paid traffic. */
  paid: [
    'googleadservices.com', 'doubleclick.net', 'googlesyndication.com', 'adservice.google.com', 'syndicatedsearch.goog',
    'adnxs.com', 'criteo.com', 'taboola.com', 'outbrain.com', 'adform.net', 'amazon-adsystem.com',
  ],
  /** Webmail: Matomo has no email list. Hosts whose first label is mail/webmail/email are email anyway (referrer.ts). */
  email: [
    'mail.google.com', 'inbox.google.com', 'com.google.android.gm', 'outlook.live.com', 'outlook.office.com',
    'outlook.office365.com', 'outlook.com', 'hotmail.com', 'mail.live.com', 'mail.yahoo.com', 'mail.yahoo.co.jp',
    'mail.aol.com', 'mail.yandex.ru', 'mail.yandex.com', 'e.mail.ru', 'mail.proton.me', 'mail.zoho.com', 'app.fastmail.com',
    'icloud.com', 'navigator.web.de', 'navigator.gmx.net', 'email.t-online.de', 'mail.qq.com', 'exmail.qq.com',
    'mail.163.com', 'mail.126.com', 'mail.sina.com.cn', 'mail.sohu.com', 'mail.aliyun.com',
  ],
  /** Large Chinese platforms missing from Socials.yml (or present only as some subdomains). */
  social: [
    'zhihu.com', 'xiaohongshu.com', 'xhslink.com', 'toutiao.com', 'kuaishou.com', 'weixin.qq.com', 'wx.qq.com',
    'weibo.cn', 'iesdouyin.com', 'b23.tv', 'tieba.baidu.com', 'ixigua.com', 'youku.com', 'qzone.qq.com',
  ],
  /** Chinese search not in SearchEngines.yml as a host of its own. */
  search: ['sm.cn', 'so.toutiao.com', 'chinaso.com', 'quark.cn'],
} as const

/** utm_source shorthands that are no host or list name. */
export const HAND_NAMES = {
  social: ['fb', 'ig', 'x', 'tw', 'li', 'yt', 'wechat', 'weixin', 'xhs', 'redbook'],
  email: ['email', 'e-mail', 'newsletter', 'mail', 'mailchimp', 'edm'],
  search: [],
  ai: [],
  paid: [],
} as const
