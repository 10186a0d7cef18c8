// The writer's idempotency lookup with 10 M stored events, on the embedded engine:
// findStoredIds (event_ids by primary key, PREWHERE id IN … WHERE site_id IN …, no time range)
// against the lookup it replaced (events, site IN … AND ts within ±7 days AND id IN …,
// bloom filter on id) and against other layouts of event_ids, for batches of 5,000 and
// 500 (site, id) pairs. Also the cost of 006's backfill. Prints figures; asserts nothing.
//   node --import tsx test/bench/id-lookup.ts [events=10000000] [repeats=30]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { migrate } from '../../collector/src/storage/migrate.js'
import { findStoredIds } from '../../collector/src/storage/find-stored-ids.js'
import { eventKey } from '../../collector/src/writer/collect-rows.js'

const EVENTS = Number(process.argv[2] ?? 10_000_000)
const REPEATS = Number(process.argv[3] ?? 30)
const BATCH = 5_000
const SITES = 20
const DAY = 86_400_000

const dir = mkdtempSync(join(tmpdir(), 'tally-id-lookup-'))
const client = createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0])
const rows = async <T>(query: string, params: Record<string, unknown> = {}) => (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>()
const timed = async (f: () => Promise<unknown>) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}

await migrate(client, 'tally')
const now = Date.now()
// A year of events over 20 sites, a tenth of them today; every view is fed, event_ids included.
const insertMs = await timed(() =>
  client.command({
    query: `INSERT INTO tally.events (site_id, ts, received_at, id, type, name, visitor_id, session_id, url, path, is_bot, source)
            SELECT concat('site-', toString(number % ${SITES})) AS site_id,
                   fromUnixTimestamp64Milli(toInt64({now:Int64} - if(number % 10 = 0, number % ${DAY}, cityHash64(number) % (365 * ${DAY})))) AS ts,
                   ts, generateUUIDv4(number), 'pageview', 'pageview', concat('v', toString(number % 100000)), concat('s', toString(number % 300000)),
                   'https://shop.example/', '/', 0, 'browser'
            FROM numbers({n:UInt64})`,
    query_params: { now, n: EVENTS },
    clickhouse_settings: { max_insert_threads: '2' },
  }),
)
console.log(`stored ${EVENTS.toLocaleString('en-US')} events (every view, event_ids included) in ${(insertMs / 1000).toFixed(1)} s`)

/** A batch as the writer sees one: today's events, half already stored (a retry), half new. */
async function batch(seed: number): Promise<{ site: string; id: string; ts: number }[]> {
  const stored = await rows<{ site: string; id: string; ts: string }>(
    `SELECT site_id AS site, toString(id) AS id, toUnixTimestamp64Milli(ts) AS ts FROM tally.events
     WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) ORDER BY cityHash64(id, {seed:UInt64}) LIMIT ${BATCH / 2}`,
    { from: now - DAY, seed },
  )
  const fresh = Array.from({ length: BATCH / 2 }, (_, i) => ({ site: `site-${i % SITES}`, id: crypto.randomUUID(), ts: now - (i % 1000) }))
  return [...stored.map((r) => ({ ...r, ts: Number(r.ts) })), ...fresh]
}

/** The lookup before step 4: events, ±7 days of ts, bare ids. */
async function oldLookup(c: ClickHouseClient, pairs: { site: string; id: string; ts: number }[]): Promise<number> {
  const ts = pairs.map((p) => p.ts)
  const result = await c.query({
    query: `SELECT toString(id) AS stored_id FROM tally.events
            WHERE site_id IN {sites:Array(String)}
              AND ts BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64})
              AND id IN {ids:Array(UUID)}`,
    query_params: { sites: [...new Set(pairs.map((p) => p.site))], from: Math.min(...ts) - 7 * DAY, to: Math.max(...ts) + 7 * DAY, ids: pairs.map((p) => p.id) },
    format: 'JSONEachRow',
  })
  return (await result.json()).length
}

// The options for event_ids' layout, each a copy of event_ids measured in the same run
// as event_ids itself (006: ORDER BY (id, site_id), no partitions, 256-row granules).
// 5,000 random ids touch nearly every granule of a table ordered by (site_id, id) with
// 8,192-row granules, and a monthly partition repeats that in every month (the first
// layout of 006, `site_monthly_g8192`); so: finer granules, no partitions, the id first
// in the key, a bloom filter skip index on id, PREWHERE. Every table is merged first
// (OPTIMIZE FINAL), as a long-running one would be; EXPLAIN ESTIMATE shows the rows each
// lookup reads.
const VARIANTS: Record<string, { key: string; monthly: boolean; granularity: number; bloom?: boolean }> = {
  site_monthly_g8192: { key: '(site_id, id)', monthly: true, granularity: 8192 },
  site_monthly_g256: { key: '(site_id, id)', monthly: true, granularity: 256 },
  site_monthly_g8192_bf: { key: '(site_id, id)', monthly: true, granularity: 8192, bloom: true },
  site_g8192: { key: '(site_id, id)', monthly: false, granularity: 8192 },
  site_g1024: { key: '(site_id, id)', monthly: false, granularity: 1024 },
  site_g256: { key: '(site_id, id)', monthly: false, granularity: 256 },
  id_g1024: { key: '(id, site_id)', monthly: false, granularity: 1024 },
}
const describeLayout = (v: (typeof VARIANTS)[string]) =>
  `ORDER BY ${v.key}${v.monthly ? ', monthly partitions' : ''}, granularity ${v.granularity}${v.bloom ? ', bloom_filter(0.001) on id' : ''}`
for (const [name, v] of Object.entries(VARIANTS)) {
  const index = v.bloom ? ', INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1' : ''
  await client.command({
    query: `CREATE TABLE tally.ids_${name} (site_id LowCardinality(String), id UUID, ts DateTime64(3, 'UTC')${index}) ENGINE = ReplacingMergeTree
            ${v.monthly ? 'PARTITION BY toYYYYMM(ts)' : ''} ORDER BY ${v.key} SETTINGS index_granularity = ${v.granularity}`,
  })
  await client.command({ query: `INSERT INTO tally.ids_${name} SELECT site_id, id, ts FROM tally.event_ids`, clickhouse_settings: { max_insert_threads: '2' } })
}
for (const t of ['events', 'event_ids', ...Object.keys(VARIANTS).map((n) => `ids_${n}`)]) await client.command({ query: `OPTIMIZE TABLE tally.${t} FINAL` })
const lookupSql = (t: string, prewhere = false) =>
  `SELECT DISTINCT site_id AS stored_site, toString(id) AS stored_id FROM tally.${t} ${prewhere ? 'PREWHERE id IN {ids:Array(UUID)} WHERE site_id IN {sites:Array(String)}' : 'WHERE site_id IN {sites:Array(String)} AND id IN {ids:Array(UUID)}'}`
const params = (pairs: { site: string; id: string }[]) => ({ sites: [...new Set(pairs.map((p) => p.site))], ids: pairs.map((p) => p.id) })
const lookup = async (sql: string, pairs: { site: string; id: string }[]) => (await rows(sql, params(pairs))).length

type Run = (pairs: { site: string; id: string; ts: number }[]) => Promise<number>
const candidates: [string, Run, string | undefined][] = [
  ['findStoredIds: event_ids (id_g256), PREWHERE id', async (p) => (await findStoredIds(client, 'tally', p, eventKey)).size, lookupSql('event_ids', true)],
  ['event_ids without PREWHERE', (p) => lookup(lookupSql('event_ids'), p), lookupSql('event_ids')],
  ['site_monthly_g8192 with PREWHERE id', (p) => lookup(lookupSql('ids_site_monthly_g8192', true), p), lookupSql('ids_site_monthly_g8192', true)],
  ...Object.keys(VARIANTS).map((t): [string, Run, string] => [t, (p) => lookup(lookupSql(`ids_${t}`), p), lookupSql(`ids_${t}`)]),
  ['events, ts ±7 days, bloom (before step 4)', (p) => oldLookup(client, p), undefined],
]
// A small batch shows how the cost grows with the table: 500 ids in 2 M rows touch as
// large a share of granules as 5,000 would in 20 M.
const SMALL = BATCH / 10
const kinds: Record<string, (seed: number) => Promise<{ site: string; id: string; ts: number }[]>> = {
  [`${BATCH} pairs, a retry (half stored)`]: (seed) => batch(seed),
  [`${BATCH} pairs, a first send (none stored)`]: async (seed) => (await batch(seed)).map((p) => ({ ...p, id: crypto.randomUUID() })),
  [`${SMALL} pairs, a retry (half stored)`]: async (seed) => (await batch(seed)).filter((_, i) => i % (BATCH / 2) < SMALL / 2),
}
const samples = new Map<string, number[]>()
const found = new Map<string, number>()
for (let r = 0; r < REPEATS; r++) {
  for (const [kind, make] of Object.entries(kinds)) {
    const pairs = await make(r)
    // Rotated each repeat, so no candidate always runs first (right after the batch query).
    for (let c = 0; c < candidates.length; c++) {
      const [name, run] = candidates[(c + r) % candidates.length]!
      const key = `${kind}|${name}`
      let n = 0
      const ms = await timed(async () => (n = await run(pairs)))
      samples.set(key, [...(samples.get(key) ?? []), ms])
      found.set(key, n)
    }
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
const estimate = async (sql: string, pairs: { site: string; id: string }[]) => {
  const [e] = await rows<{ rows: string; marks: string }>(`EXPLAIN ESTIMATE ${sql}`, params(pairs))
  return e ? `reads ~${Number(e.rows).toLocaleString('en-US')} rows` : ''
}
for (const [kind, make] of Object.entries(kinds)) {
  console.log(`lookup of ${kind}, ${REPEATS} repeats:`)
  const sample = await make(REPEATS)
  for (const [name, , sql] of candidates) {
    const xs = samples.get(`${kind}|${name}`)!
    const est = sql ? `   ${await estimate(sql, sample)}` : ''
    console.log(`  ${name.padEnd(48)} p50 ${pct(xs, 50).toFixed(1).padStart(6)} ms   p99 ${pct(xs, 99).toFixed(1).padStart(6)} ms   found ${found.get(`${kind}|${name}`)}${est}`)
  }
}
const stats = await rows<{ t: string; rows: string; bytes: string; parts: string }>(
  `SELECT table AS t, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS bytes, count() AS parts FROM system.parts WHERE database = 'tally' AND active AND (table IN ('events', 'event_ids') OR table LIKE 'ids_%') GROUP BY table ORDER BY table`,
)
console.log(`layouts:\n  id_g256 (event_ids, 006): ORDER BY (id, site_id), granularity 256`)
for (const [t, v] of Object.entries(VARIANTS)) console.log(`  ${t}: ${describeLayout(v)}`)
for (const s of stats) console.log(`  ${s.t}: ${Number(s.rows).toLocaleString('en-US')} rows, ${s.parts} parts, ${s.bytes} on disk`)
await client.command({ query: 'CREATE TABLE tally.event_ids_backfill AS tally.event_ids' })
const backfillMs = await timed(() => client.command({ query: 'INSERT INTO tally.event_ids_backfill SELECT site_id, id, ts FROM tally.events' }))
console.log(`006 backfill of ${EVENTS.toLocaleString('en-US')} events: ${(backfillMs / 1000).toFixed(1)} s`)
await client.close()
rmSync(dir, { recursive: true, force: true })
