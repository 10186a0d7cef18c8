import { REFERRER_HOSTS, REFERRER_PATHS, SOURCE_NAMES } from './data/referrer-table.js'

/** The channels a referrer host or a utm_source can name by itself. */
export type ListedChannel = keyof typeof REFERRER_HOSTS

const HOSTS = new Map<string, ListedChannel>()
const ANY_TLD = new Map<string, ListedChannel>() // `google` for google.*
const NAMES = new Map<string, ListedChannel>()
for (const channel of Object.keys(REFERRER_HOSTS) as ListedChannel[]) {
  for (const key of REFERRER_HOSTS[channel].split(' ')) {
    if (key.endsWith('.*')) ANY_TLD.set(key.slice(0, -2), channel)
    else HOSTS.set(key, channel)
  }
  for (const name of SOURCE_NAMES[channel].split(' ')) NAMES.set(name, channel)
}
/** host → [path prefix, channel] for the few entries where a path changes the channel. */
const PATHS = new Map<string, [string, ListedChannel][]>()
for (const [key, channel] of Object.entries(REFERRER_PATHS)) {
  const slash = key.indexOf('/')
  const host = key.slice(0, slash)
  PATHS.set(host, [...(PATHS.get(host) ?? []), [key.slice(slash), channel as ListedChannel]])
}

/** Second-level labels under which a registrar sells names (`google.co.uk`, `baidu.com.cn`). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'nic', 'mil', 'ltd', 'plc'])
/** A first label that says webmail (mail.yandex.ru, webmail.provider.net). */
const MAIL_LABELS = new Set(['mail', 'webmail', 'email', 'e-mail', 'correo', 'newsletter'])

/**
 * The channel of a referrer host (lower case, no `www.`), or undefined when no list
 * names it. The longest listed suffix wins (gemini.google.com is ai, google.com search);
 * a host whose first label is `mail`, `webmail`… is email unless that exact host is listed.
 *
 * @example
 * channelOfHost('news.google.co.uk') // 'search'
 * channelOfHost('mail.yandex.ru') // 'email'
 */
export function channelOfHost(host: string, path = ''): ListedChannel | undefined {
  const paths = PATHS.get(host)
  if (paths) for (const [prefix, channel] of paths) if (path.startsWith(prefix)) return channel
  const firstDot = host.indexOf('.')
  const mailLabel = firstDot !== -1 && host.indexOf('.', firstDot + 1) !== -1 && MAIL_LABELS.has(host.slice(0, firstDot))
  // suffixes, longest first, down to two labels: a.b.example.com, b.example.com, example.com
  for (let at = 0; at !== -1 && host.indexOf('.', at) !== -1; at = nextLabel(host, at)) {
    const channel = HOSTS.get(at === 0 ? host : host.slice(at))
    if (channel !== undefined) return mailLabel && at > 0 ? 'email' : channel
  }
  const labels = host.split('.')
  const tld = labels.length > 2 && SECOND_LEVEL.has(labels[labels.length - 2]!) ? 2 : 1
  for (let i = 0; i < labels.length - tld; i++) {
    const channel = ANY_TLD.get(labels.slice(i, labels.length - tld).join('.'))
    if (channel !== undefined) return mailLabel && i > 0 ? 'email' : channel
  }
  return mailLabel ? 'email' : undefined
}

/** Where the label after the one at `at` starts, or -1. */
function nextLabel(host: string, at: number): number {
  const dot = host.indexOf('.', at)
  return dot === -1 ? -1 : dot + 1
}

/**
 * The channel a utm_source names: a host (`chatgpt.com`) as above, else a source name
 * (`google`, `facebook`, `perplexity`, `newsletter`, `fb`…), lower case.
 */
export function channelOfSource(source: string): ListedChannel | undefined {
  if (source.includes('.')) return channelOfHost(source.startsWith('www.') ? source.slice(4) : source)
  return NAMES.get(source.replace(/[^a-z0-9-]/g, ''))
}
