// The dashboard's queries over generated data on the embedded engine: 10 M events made
// in the engine (every view fills its rollup, as in production) over 30 days for one
// site, plus 200 k order ledger rows. Times each panel of the analytics page, unfiltered
// (rollups) and filtered (raw events), for today and for 30 days, and the whole page
// (all panels at once, as the route runs them), and four viewers of one view at one data
// version with and without the route's shared run. Prints p50/p99; asserts nothing.
//   node --import tsx test/bench/dashboard-queries.ts [events=10000000] [repeats=20] [--no-summaries]
// TALLY_BENCH_DIR=/some/dir keeps the generated data there and reuses it on the next run.
// TALLY_BENCH_TZ=Asia/Shanghai runs the views in that zone (default UTC).
// TALLY_BENCH_VIEWS=goal,country runs only the views whose title holds one of those words.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { migrate } from '../../collector/src/storage/migrate.js'
import { analyticsPanels, scansEveryEvent, type PanelPlan } from '../../collector/src/dashboard/panels.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
import { rangeShape, type RangeShape } from '../../collector/src/dashboard/queries/range-shape.js'
import { dataVersion } from '../../collector/src/dashboard/queries/data-version.js'
import { VisitSummaryCompactor } from '../../collector/src/dashboard/visit-summary-compactor.js'
import { AnswerCache } from '../../collector/src/dashboard/answer-cache.js'
import { screenPanels } from '../../collector/src/dashboard/screen-panels.js'
import { openReadPool, type ReadClient } from '../../collector/src/storage/read-pool.js'

const EVENTS = Number(process.argv[2] ?? 10_000_000)
const REPEATS = Number(process.argv[3] ?? 20)
const DAY = 86_400_000
const keep = process.env.TALLY_BENCH_DIR
const reuse = keep !== undefined && existsSync(keep)
const dir = keep ?? mkdtempSync(join(tmpdir(), 'tally-dash-bench-'))
const TZ = process.env.TALLY_BENCH_TZ ?? 'UTC'
const VIEWS = process.env.TALLY_BENCH_VIEWS?.split(',')
const open = () => createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0])
const client = open()
{
  // On a reused data set this is also the upgrade a running install makes (backfills included).
  const t = performance.now()
  const ran = await migrate(client, 'tally')
  if (ran.length > 0) console.log(`migrations ${ran.join(', ')}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
  // and the background work they start (015 materialises events' projections in old parts)
  const waited = performance.now()
  for (;;) {
    const [left] = await (await client.query({
      query: "SELECT count() AS n, max(latest_fail_reason) AS failed FROM system.mutations WHERE database = 'tally' AND NOT is_done",
      format: 'JSONEachRow',
    })).json<{ n: string; failed: string }>()
    if (left!.failed) throw new Error(`a migration's mutation fails: ${left!.failed}`)
    if (Number(left!.n) === 0) break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  if (ran.length > 0) console.log(`their mutations: ${((performance.now() - waited) / 1000).toFixed(1)} s more`)
}
const now = Date.now()
const t0 = performance.now()
if (!reuse) await generate()
async function generate() {
await client.command({
  query: `INSERT INTO tally.events (site_id, ts, received_at, id, type, name, visitor_id, session_id, url, hostname, path, referrer_host, channel,
            utm_source, utm_medium, utm_campaign, browser, os, device_type, country, region, is_bot, source)
          SELECT 'bench', fromUnixTimestamp64Milli(toInt64({now:Int64} - (number * 7919) % (30 * ${DAY}))) AS ts, ts, generateUUIDv4(number),
                 if(number % 20 = 0, 'track', 'pageview'), if(number % 20 = 0, ['signup', 'download', 'add_to_cart'][number % 3 + 1], 'pageview'),
                 concat('v', toString(number % 500000)), concat('s', toString(intDiv(number, 4) % 2000000)),
                 'https://shop.example/', 'shop.example', concat('/p', toString(number % 200)),
                 ['', 'google.com', 'news.ycombinator.com', 'chatgpt.com', 'weibo.com'][number % 5 + 1],
                 ['direct', 'search', 'referral', 'ai', 'social'][number % 5 + 1],
                 ['', 'newsletter', 'google'][number % 3 + 1], ['', 'email', 'cpc'][number % 3 + 1], ['', 'spring', 'brand'][number % 3 + 1],
                 ['Chrome', 'Safari', 'Firefox', 'Edge'][number % 4 + 1], ['Windows', 'iOS', 'macOS', 'Android', 'Linux'][number % 5 + 1],
                 ['desktop', 'mobile', 'tablet'][number % 3 + 1], ['CN', 'US', 'DE', 'GB', 'FR', 'JP'][number % 6 + 1], ['', 'Guangdong', 'Bavaria'][number % 3 + 1],
                 0, 'browser'
          FROM numbers({n:UInt64})`,
  query_params: { now, n: EVENTS },
  clickhouse_settings: { max_insert_threads: '2' },
})
await client.command({
  query: `INSERT INTO tally.order_ledger (site_id, order_id, version, sign, status, province, cabinet, started_at, currency, amount, orders, revenue, refunded, event_id, received_at, source_inserted_at)
          SELECT 'bench', toString(number), 1, 1, 'completed', ['Guangdong', 'Zhejiang', 'Beijing', 'Sichuan', 'Shanghai'][number % 5 + 1],
                 concat('cab-', toString(number % 2000)), fromUnixTimestamp64Milli(toInt64({now:Int64} - (number * 7919) % (30 * ${DAY}))),
                 'CNY', toDecimal128(number % 100 + 0.5, 4), 1, toDecimal128(number % 100 + 0.5, 4), 0, generateUUIDv4(number), now64(3), now64(6)
          FROM numbers(200000)`,
  query_params: { now },
})
console.log(`generated ${EVENTS.toLocaleString('en-US')} events and 200,000 orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
// The running collector's compactor summarises closed days (012) about a minute after
// their last change; here one round does it at once (quietMs 0: nothing is being inserted).
// Today stays on the per-visit rows. --no-summaries measures without summaries.
if (!process.argv.includes('--no-summaries')) {
  const t1 = performance.now()
  const round = await new VisitSummaryCompactor({ client, database: 'tally', quietMs: 0, daysPerRound: 1_000 }).compact()
  console.log(`visit summaries: ${round.computed} days in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
}

{
  // what events and its projections (015) take on disk
  const [size] = await (await client.query({
    query: `SELECT (SELECT sum(data_compressed_bytes) FROM system.parts WHERE database = 'tally' AND table = 'events' AND active) AS events,
                   (SELECT sumIf(data_compressed_bytes, name = 'events_by_path') FROM system.projection_parts WHERE database = 'tally' AND table = 'events' AND active) AS by_path,
                   (SELECT sumIf(data_compressed_bytes, name = 'events_by_name') FROM system.projection_parts WHERE database = 'tally' AND table = 'events' AND active) AS by_name`,
    format: 'JSONEachRow',
  })).json<Record<string, string>>()
  const mb = (b: string | undefined) => `${(Number(b) / 1e6).toFixed(0)} MB`
  console.log(`events on disk: ${mb(size?.events)}, projections events_by_path ${mb(size?.by_path)}, events_by_name ${mb(size?.by_name)}`)
}

// The route's reader: three read-only sessions, values written in (storage/read-pool.ts).
// The page is also timed on one session with bound parameters, as before the pool.
const reader = await openReadPool(open, 3)
const single = open()
await single.command({ query: 'SET readonly = 1' })
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
const run = async (c: Pick<ReadClient, 'query'>, plan: PanelPlan, shared: Record<string, unknown>, shape?: RangeShape) => {
  const t = performance.now()
  await (await c.query({ query: plan.query.sql('tally', shape), query_params: { ...shared, ...plan.params }, format: 'JSONEachRow' })).json()
  return performance.now() - t
}

{
  // Baselines of the same run: a query that opens no table, and one that opens one
  // table for a handful of rows. Every panel pays these before it reads anything.
  for (const [name, sql] of [
    ['select 1', 'SELECT 1'],
    ['one table', "SELECT count() FROM tally.breakdown_by_day WHERE site_id = 'bench' AND dim = 'country' AND day = today()"],
  ] as const) {
    const plan: PanelPlan = { panel: name, query: { name, reads: 'rollups', sql: () => sql }, params: {} }
    await run(reader, plan, {})
    const times: number[] = []
    for (let i = 0; i < REPEATS * 5; i++) times.push(await run(reader, plan, {}))
    console.log(`  ${`baseline: ${name}`.padEnd(25)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms`)
  }
}

{
  // the analytics page's change signal: read every 250 ms per watched site
  const plan = { panel: 'data_version', query: dataVersion, params: {} }
  await run(reader, plan, { site: 'bench' })
  const times: number[] = []
  for (let i = 0; i < REPEATS * 5; i++) times.push(await run(reader, plan, { site: 'bench' }))
  console.log(`\n  ${plan.panel.padEnd(16)} ${plan.query.reads.padEnd(8)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms`)
  // The big screen's reading (seven panels, today): its poll runs it only while the data
  // version is new, and otherwise reads the version alone (settled-readings.ts).
  const view = parseViewParams(new URLSearchParams({ tz: TZ }), 'bench', TZ)
  const screen = () => Promise.all(screenPanels().map((p) => run(reader, p, queryParams(view, []), rangeShape(view))))
  await screen()
  const screenTimes: number[] = []
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now()
    await screen()
    screenTimes.push(performance.now() - t)
  }
  console.log(`  ${'screen (7 panels)'.padEnd(25)} p50 ${pct(screenTimes, 50).toFixed(1).padStart(7)} ms  p99 ${pct(screenTimes, 99).toFixed(1).padStart(7)} ms  (version / screen: ${(pct(times, 50) / pct(screenTimes, 50)).toFixed(2)})`)
}

for (const [title, query] of [
  ['today, unfiltered', 'period=today'],
  ['30 days, unfiltered', 'period=30d'],
  ['today, filtered page=/p7', 'period=today&f.page=/p7'],
  ['30 days, filtered page=/p7', 'period=30d&f.page=/p7'],
  ['30 days, filtered goal=signup', 'period=30d&f.event=signup'],
  // a broad filter: a sixth of all events (a page filter reads through events_by_path, this one cannot)
  ['30 days, filtered country=CN', 'period=30d&f.country=CN'],
].filter(([title]) => !VIEWS || VIEWS.some((word) => title!.includes(word)))) {
  const view = parseViewParams(new URLSearchParams(query), 'bench', TZ)
  const shared = queryParams(view, [])
  const shape = rangeShape(view)
  const plans = analyticsPanels(view.eventFiltered)
  console.log(`\n${title}, ${TZ} (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`)
  // Warm up with three whole pages: the engine's caches fill on the first reads of a view.
  for (let i = 0; i < 3; i++) await Promise.all(plans.map((p) => run(reader, p, shared, shape)))
  // The breakdowns are one query for twelve panels; each panel alone is timed too (custom
  // events with the all-traffic row their conversion rate needs). The entry and exit pages
  // are one query.
  const each = plans.flatMap((plan) =>
    plan.split && 'dims' in plan.params ? [plan, ...Object.entries(plan.split).map(([dim, panel]) => ({ ...plan, panel: `  ${panel}`, params: { ...plan.params, dims: dim === 'event' ? ['', dim] : [dim] } }))] : [plan])
  for (const plan of each) {
    await run(reader, plan, shared, shape) // warm
    const times: number[] = []
    for (let i = 0; i < REPEATS; i++) times.push(await run(reader, plan, shared, shape))
    console.log(`  ${plan.panel.padEnd(16)} ${plan.query.reads.padEnd(8)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms`)
  }
  // the whole page as the route runs it (all panels at once, or one after another for a
  // view that scans every event: panels.ts scansEveryEvent), alternated with all at once on
  // one session with bound parameters (every call in chDB's chain, one at a time)
  // (and, for such a view, side by side on the read sessions: what one at a time is for)
  const alone = scansEveryEvent(view)
  const page: number[] = []
  const onOne: number[] = []
  const sideBySide: number[] = []
  const runs = [[reader, page, alone], [single, onOne, false], ...(alone ? [[reader, sideBySide, false] as const] : [])] as const
  for (let i = 0; i < REPEATS; i++) {
    for (const [c, times, oneAtATime] of runs) {
      const t = performance.now()
      if (oneAtATime) for (const p of plans) await run(c, p, shared, shape)
      else await Promise.all(plans.map((p) => run(c, p, shared, shape)))
      times.push(performance.now() - t)
    }
  }
  const line = (name: string, times: number[], ratio = '') =>
    console.log(`  ${name.padEnd(25)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms${ratio}`)
  line(`whole page${alone ? ' (one at a time)' : ''}`, page)
  line('  on one session', onOne, `  (pool / one: ${(pct(page, 50) / pct(onOne, 50)).toFixed(2)})`)
  if (alone) line('  side by side', sideBySide, `  (one at a time / side by side: ${(pct(page, 50) / pct(sideBySide, 50)).toFixed(2)})`)
}
{
  // Four viewers refetching one view at one data version, as after a change: each running
  // the panels, against sharing one run as /v1/dashboard does (answer-cache.ts; live
  // visitors are read for each either way).
  const view = parseViewParams(new URLSearchParams('period=30d'), 'bench', TZ)
  const shared = queryParams(view, [])
  const shape = rangeShape(view)
  const plans = analyticsPanels(false)
  const page = async () => Promise.all(plans.filter((p) => !p.clocked).map((p) => run(reader, p, shared, shape)))
  const clocked = () => Promise.all(plans.filter((p) => p.clocked).map((p) => run(reader, p, shared, shape)))
  console.log(`\nfour viewers of 30 days, unfiltered, at one version (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`)
  const p50: number[] = []
  for (const [name, share] of [['each its own run', false], ['one shared run', true]] as const) {
    const times: number[] = []
    for (let i = 0; i < REPEATS; i++) {
      const answers = new AnswerCache<unknown>()
      const t = performance.now()
      await Promise.all([0, 1, 2, 3].map(() => Promise.all([share ? answers.get('bench', 'v', 'view', page) : page(), clocked()])))
      times.push(performance.now() - t)
    }
    p50.push(pct(times, 50))
    console.log(`  ${name.padEnd(25)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms`)
  }
  console.log(`  shared / each: ${(p50[1]! / p50[0]!).toFixed(2)}`)
}
await reader.close()
await single.close()
await client.close()
if (!keep) rmSync(dir, { recursive: true, force: true })
