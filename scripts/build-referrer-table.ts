/**
 * Builds collector/src/enrich/data/referrer-table.ts, the compact host → channel
 * lookup referrer.ts classifies with, from Matomo's searchengine-and-social-list
 * (CC0-1.0, github.com/matomo-org/searchengine-and-social-list: SearchEngines.yml,
 * Socials.yml, AIAssistants.yml) plus our hand lists (scripts/referrer-hand-lists.ts).
 *
 * Update: copy a newer checkout of those three files (with its SOURCE and LICENSE) into
 * ../shared/data/matomo-searchengine-and-social-list/ (or pass --data DIR), run
 *   node --import tsx scripts/build-referrer-table.ts [--data DIR]   (or TALLY_DATA_DIR=…/data)
 * and commit the regenerated table with the source commit it names (`--check` only
 * compares, exit 1 when the committed table is stale or was edited by hand).
 *
 * Keys are hosts without `www.`, matched by suffix (longest wins); `name.*` keys match
 * `name.` + any TLD (Matomo's `name.{}`). Path entries (Matomo's `google.{}/cse`) keep
 * only their host, except where the path changes the channel (`x.com/i/grok` → ai).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HAND_LISTS, HAND_NAMES } from './referrer-hand-lists.js'
import { readYamlLists } from './lib/yaml-lists.js'

type Channel = 'ai' | 'paid' | 'email' | 'social' | 'search'
const ORDER: Channel[] = ['ai', 'paid', 'email', 'social', 'search'] // first wins on a conflict

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dataArg = process.argv.indexOf('--data')
const dataRoot = process.env.TALLY_DATA_DIR ?? resolve(root, '..', 'shared', 'data')
const dir = dataArg > 0 ? resolve(process.argv[dataArg + 1]!) : join(dataRoot, 'matomo-searchengine-and-social-list')
if (!existsSync(join(dir, 'SOURCE'))) {
  console.error(`Matomo's lists are not at ${dir}: pass --data DIR or set TALLY_DATA_DIR (the folder holding matomo-searchengine-and-social-list/)`)
  process.exit(2)
}
const out = join(root, 'collector', 'src', 'enrich', 'data', 'referrer-table.ts')

const read = (file: string) => readYamlLists(readFileSync(join(dir, file), 'utf8'))
const source = readFileSync(join(dir, 'SOURCE'), 'utf8').trim().split('\n')[0]!
const lists: Record<Channel, Map<string, string[]>> = {
  ai: read('AIAssistants.yml'),
  social: read('Socials.yml'),
  search: read('SearchEngines.yml'),
  paid: new Map(),
  email: new Map(),
}

const hosts = new Map<string, Channel>()
const paths = new Map<string, Channel>()
const names = new Map<string, Channel>()
const conflicts: string[] = []

function claim<K>(map: Map<K, Channel>, key: K, channel: Channel): void {
  const had = map.get(key)
  if (had === undefined) map.set(key, channel)
  else if (had !== channel) {
    conflicts.push(`${String(key)}: ${had} / ${channel}`)
    if (ORDER.indexOf(channel) < ORDER.indexOf(had)) map.set(key, channel)
  }
}
function claimName(name: string, channel: Channel): void {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (n.length < 2 || /^\d+$/.test(n)) return
  const had = names.get(n)
  if (had === undefined || ORDER.indexOf(channel) < ORDER.indexOf(had)) names.set(n, channel)
}

/** Matomo's url forms → our key: `www.` dropped, `{}.x` → `x`, `x.{}` → `x.*`. */
function keyOf(url: string): { host: string; path: string } | null {
  if (url.includes('//')) return null // android-app//… forms: the plain app id is listed too
  const slash = url.indexOf('/')
  let host = (slash === -1 ? url : url.slice(0, slash)).toLowerCase()
  const path = slash === -1 ? '' : url.slice(slash)
  host = host.replace(/^(.*\.)?\{\}\./, '') // {}.bing.com, images.{}.ask.com
  host = host.replace(/\.\{\}$/, '.*')
  host = host.replace(/^www\d?\./, '')
  if (!/^[a-z0-9.*-]+$/.test(host) || !host.includes('.')) return null
  return { host, path }
}

for (const channel of ORDER) {
  const hand = (HAND_LISTS[channel] as readonly string[]).map((h) => ['(hand)', [h]] as const)
  for (const [name, urls] of [...lists[channel], ...hand]) {
    if (name !== '(hand)') claimName(name, channel)
    for (const url of urls) {
      const key = keyOf(url)
      if (!key) continue
      if (key.path === '') claim(hosts, key.host, channel)
      else paths.set(`${key.host}${key.path}`, channel)
      // a host's own name (`chatgpt` of chatgpt.com, `google` of google.*), not a subdomain's parent (gemini.google.com)
      const labels = key.host.split('.')
      if (key.path === '' && labels.length === 2) claimName(labels[0]!, channel)
    }
  }
  for (const n of HAND_NAMES[channel] as readonly string[]) names.set(n, channel)
}
// A path entry matters only where it changes the channel of its host.
for (const [key, channel] of paths) if (hosts.get(key.slice(0, key.indexOf('/'))) === channel) paths.delete(key)
// Compaction: a host whose parent suffix is listed with the same channel adds nothing.
function covered(host: string, channel: Channel): boolean {
  for (let h = host.slice(host.indexOf('.') + 1); h.includes('.'); h = h.slice(h.indexOf('.') + 1)) {
    const c = hosts.get(h)
    if (c !== undefined) return c === channel
  }
  return false
}
const byChannel = Object.fromEntries(ORDER.map((c) => [c, [] as string[]])) as Record<Channel, string[]>
for (const [host, channel] of [...hosts].sort(([a], [b]) => a.localeCompare(b))) if (!covered(host, channel)) byChannel[channel].push(host)
const nameList = Object.fromEntries(ORDER.map((c) => [c, [...names].filter(([, ch]) => ch === c).map(([n]) => n).sort()])) as Record<Channel, string[]>

const lines = [
  '// Generated by scripts/build-referrer-table.ts: do not edit, re-run it (the procedure is in its header).',
  `// Search engines, social networks and AI assistants from Matomo's searchengine-and-social-list`,
  `// (CC0-1.0, github.com/matomo-org/searchengine-and-social-list, ${source}),`,
  `// with Tally's hand lists (scripts/referrer-hand-lists.ts). Hosts are space-separated,`,
  '// without `www.`, matched by suffix; `name.*` is `name.` + any TLD.',
  '',
  '/** Host suffixes per channel. */',
  'export const REFERRER_HOSTS = {',
  ...ORDER.map((c) => `  ${c}: '${byChannel[c].join(' ')}',`),
  '} as const',
  '',
  '/** `host/path` prefixes whose channel differs from their host\'s. */',
  `export const REFERRER_PATHS: Record<string, string> = ${JSON.stringify(Object.fromEntries(paths))}`,
  '',
  '/** Source names (utm_source without a dot): list names and two-label hosts\' names. */',
  'export const SOURCE_NAMES = {',
  ...ORDER.map((c) => `  ${c}: '${nameList[c].join(' ')}',`),
  '} as const',
  '',
]
const text = lines.join('\n')
if (process.argv.includes('--check')) {
  const same = existsSync(out) && readFileSync(out, 'utf8') === text
  console.log(same ? `${out} is up to date` : `${out} differs from what the lists give: re-run without --check and commit`)
  process.exit(same ? 0 : 1)
}
writeFileSync(out, text)
console.log(`${out}: ${ORDER.map((c) => `${c} ${byChannel[c].length} hosts`).join(', ')}; ${paths.size} paths; ${names.size} names`)
if (conflicts.length) console.log(`conflicts resolved (${ORDER.join(' > ')}): ${conflicts.join('; ')}`)
