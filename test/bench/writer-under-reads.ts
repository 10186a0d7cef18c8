// Whether the writer's parameterized calls wait behind the dashboard's reads, on the
// embedded engine: the writer's id lookup (storage/find-stored-ids.ts binds its ids) timed
// alone, while a filtered breakdowns read runs with bound parameters on a read-only session
// of its own (the dashboard before the read pool), and while it runs through the read pool
// (storage/read-pool.ts, values written in). chDB chains every call with bound parameters
// process-wide, whatever its session. Prints p50/p99 and the ratio; asserts nothing.
//   TALLY_BENCH_DIR=/tmp/tally-bench node --import tsx test/bench/writer-under-reads.ts [repeats=5]
// on the data test/bench/dashboard-queries.ts generated there.
import { existsSync } from 'node:fs'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { analyticsPanels } from '../../collector/src/dashboard/panels.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
import { rangeShape } from '../../collector/src/dashboard/queries/range-shape.js'
import { openReadPool, type ReadClient } from '../../collector/src/storage/read-pool.js'

const dir = process.env.TALLY_BENCH_DIR
if (!dir || !existsSync(dir)) throw new Error('TALLY_BENCH_DIR: a folder test/bench/dashboard-queries.ts filled')
const REPEATS = Number(process.argv[2] ?? 5)
const open = () => createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0])
const writer = open()
const single = open()
await single.command({ query: 'SET readonly = 1' })
const pool = await openReadPool(open, 3)

const view = parseViewParams(new URLSearchParams('period=30d&f.country=CN'), 'bench', 'UTC')
const shared = queryParams(view, [])
const breakdowns = analyticsPanels(true).find((p) => p.panel === 'breakdowns')!
const read = (c: Pick<ReadClient, 'query'>) =>
  c.query({ query: breakdowns.query.sql('tally', rangeShape(view)), query_params: { ...shared, ...breakdowns.params }, format: 'JSONEachRow' }).then((r) => r.json())
const lookup = async () => {
  const t = performance.now()
  await (await writer.query({ query: 'SELECT count() FROM tally.event_ids WHERE id IN {ids:Array(UUID)}', query_params: { ids: [crypto.randomUUID()] }, format: 'JSONEachRow' })).json()
  return performance.now() - t
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!

await lookup()
const alone: number[] = []
for (let i = 0; i < REPEATS * 4; i++) alone.push(await lookup())
const during: Record<string, number[]> = { 'bound, own session': [], 'read pool': [] }
for (let i = 0; i < REPEATS; i++) {
  for (const [name, c] of [['bound, own session', single], ['read pool', pool]] as const) {
    const reading = read(c)
    await new Promise((r) => setTimeout(r, 50)) // the read has started
    during[name]!.push(await lookup())
    await reading
  }
}
console.log(`the writer's id lookup, alone             p50 ${pct(alone, 50).toFixed(1).padStart(7)} ms  p99 ${pct(alone, 99).toFixed(1).padStart(7)} ms`)
for (const [name, times] of Object.entries(during)) {
  console.log(`  while a filtered read runs, ${name.padEnd(18)} p50 ${pct(times, 50).toFixed(1).padStart(7)} ms  p99 ${pct(times, 99).toFixed(1).padStart(7)} ms`)
}
console.log(`  read pool / bound: ${(pct(during['read pool']!, 50) / pct(during['bound, own session']!, 50)).toFixed(3)}`)
for (const c of [writer, single, pool]) await c.close()
