// The writer's idempotency lookup with 10 M stored events, on the embedded engine:
// findStoredIds (event_ids by primary key, (site_id, id) IN tuples, no time range)
// against the lookup it replaced (events, site IN … AND ts within ±7 days AND id IN …,
// bloom filter on id), for batches of 5,000 (site, id) pairs, half of them stored.
// Also the cost of 006's backfill. Prints figures; asserts nothing.
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
                   fromUnixTimestamp64Milli(toInt64({now:Int64} - if(number % 10 = 0, number % ${DAY}, (number * 7919) % (365 * ${DAY})))) AS ts,
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

const samples = { new: [] as number[], old: [] as number[] }
let found = { new: 0, old: 0 }
for (let r = 0; r < REPEATS; r++) {
  const pairs = await batch(r)
  samples.new.push(await timed(async () => (found.new = (await findStoredIds(client, 'tally', pairs, eventKey)).size)))
  samples.old.push(await timed(async () => (found.old = await oldLookup(client, pairs))))
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!
const stats = await rows<{ t: string; rows: string; bytes: string }>(
  `SELECT table AS t, sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS bytes FROM system.parts WHERE database = 'tally' AND active AND table IN ('events', 'event_ids') GROUP BY table`,
)
console.log(`lookup of ${BATCH.toLocaleString('en-US')} (site, id) pairs (${BATCH / 2} stored), ${REPEATS} repeats:`)
console.log(`  event_ids by primary key (now):      p50 ${pct(samples.new, 50).toFixed(1)} ms   p99 ${pct(samples.new, 99).toFixed(1)} ms   found ${found.new}`)
console.log(`  events, ts ±7 days, bloom (before):  p50 ${pct(samples.old, 50).toFixed(1)} ms   p99 ${pct(samples.old, 99).toFixed(1)} ms   found ${found.old}`)
for (const s of stats) console.log(`  ${s.t}: ${Number(s.rows).toLocaleString('en-US')} rows, ${s.bytes} on disk`)
await client.command({ query: 'CREATE TABLE tally.event_ids_backfill AS tally.event_ids' })
const backfillMs = await timed(() => client.command({ query: 'INSERT INTO tally.event_ids_backfill SELECT site_id, id, ts FROM tally.events' }))
console.log(`006 backfill of ${EVENTS.toLocaleString('en-US')} events: ${(backfillMs / 1000).toFixed(1)} s`)
await client.close()
rmSync(dir, { recursive: true, force: true })
