/**
 * How right enrichment is, measured: bot precision/recall on isbot's curated fixtures
 * (crawlers.yml must be flagged, browsers.yml must not; Unlicense) and channel agreement
 * on our hand-written referrer cases (scripts/enrich-accuracy/referrer-cases.json).
 *
 *   npm run enrich:accuracy [-- --data DIR] [-- --code DIR]
 *
 * --data (or TALLY_DATA_DIR): the folder holding isbot-fixtures/; default ../shared/data
 * beside the repository. --code: the folder of bot.ts and referrer.ts to measure
 * (default collector/src/enrich), so an older checkout can be measured the same way.
 * Figures are printed, not asserted; the bar is bots missed ≤ 3 % with ≤ 0.5 %
 * false positives, and ≥ 95 % agreement on search, social, email and internal cases.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { readYamlLists } from './lib/yaml-lists.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}
const dataDir = resolve(arg('--data') ?? process.env.TALLY_DATA_DIR ?? join(root, '..', 'shared', 'data'))
const codeDir = resolve(arg('--code') ?? join(root, 'collector', 'src', 'enrich'))

type IsBot = (ua: string) => boolean
type ParseReferrer = (referrer: string, page: string, hosts?: ReadonlySet<string>) => { channel: string }
const { isBot } = (await import(pathToFileURL(join(codeDir, 'bot.ts')).href)) as { isBot: IsBot }
const referrer = (await import(pathToFileURL(join(codeDir, 'referrer.ts')).href)) as { parseReferrer: ParseReferrer; siteHostSet?: (h: string[]) => ReadonlySet<string> }

const pct = (n: number, of: number) => `${((100 * n) / Math.max(of, 1)).toFixed(1)} %`
console.log(`enrich accuracy: code ${codeDir}`)

// Bots
const fixtures = join(dataDir, 'isbot-fixtures')
if (!existsSync(join(fixtures, 'crawlers.yml')) || !existsSync(join(fixtures, 'browsers.yml'))) {
  console.log(`bots: SKIPPED, isbot's fixtures are not at ${fixtures} (pass --data DIR or set TALLY_DATA_DIR to the folder holding isbot-fixtures/)`)
} else {
  const uas = (file: string) => [...readYamlLists(readFileSync(join(fixtures, file), 'utf8')).values()].flat()
  const crawlers = uas('crawlers.yml')
  const browsers = uas('browsers.yml')
  const missed = crawlers.filter((ua) => !isBot(ua))
  const flagged = browsers.filter((ua) => isBot(ua))
  const tp = crawlers.length - missed.length
  console.log(`bots: ${crawlers.length} crawler and ${browsers.length} browser user agents (isbot fixtures)`)
  console.log(`  missed crawlers  ${String(missed.length).padStart(4)}  ${pct(missed.length, crawlers.length)}   (recall ${pct(tp, crawlers.length)})`)
  console.log(`  false positives  ${String(flagged.length).padStart(4)}  ${pct(flagged.length, browsers.length)}   (precision ${pct(tp, tp + flagged.length)})`)
  for (const ua of flagged.slice(0, 5)) console.log(`    flagged browser: ${ua.slice(0, 120)}`)
  for (const ua of missed.slice(0, 5)) console.log(`    missed crawler:  ${ua.slice(0, 120)}`)
}

// Channels
interface Case { medium: string; referrer: string; page: string; note?: string }
const file = JSON.parse(readFileSync(join(root, 'scripts', 'enrich-accuracy', 'referrer-cases.json'), 'utf8')) as { site_hosts: string[]; cases: Case[] }
const hosts = referrer.siteHostSet ? referrer.siteHostSet(file.site_hosts) : undefined
const byMedium = new Map<string, { agree: number; total: number; wrong: string[] }>()
for (const c of file.cases) {
  const got = referrer.parseReferrer(c.referrer, c.page, hosts).channel
  const m = byMedium.get(c.medium) ?? { agree: 0, total: 0, wrong: [] }
  m.total++
  if (got === c.medium) m.agree++
  else m.wrong.push(`${c.referrer || '(none)'} ${c.page} → ${got}`)
  byMedium.set(c.medium, m)
}
console.log(`channels: ${file.cases.length} referrer cases (scripts/enrich-accuracy/referrer-cases.json)`)
let agree = 0
let total = 0
for (const [medium, m] of byMedium) {
  if (['search', 'social', 'email', 'internal'].includes(medium)) {
    agree += m.agree
    total += m.total
  }
  console.log(`  ${medium.padEnd(9)} ${String(m.agree).padStart(3)}/${String(m.total).padEnd(3)} ${pct(m.agree, m.total)}`)
  for (const w of m.wrong) console.log(`    disagrees: ${w}`)
}
console.log(`  search+social+email+internal: ${agree}/${total} ${pct(agree, total)}`)
