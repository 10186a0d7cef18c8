// How far uniq() (what the rollups use for visitors) is from uniqExact() above the
// 65,536 values it counts exactly, on the embedded engine, merged from hourly-like
// partial states as the rollups do. Prints figures; asserts nothing.
//   node --import tsx test/bench/uniq-error.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'

const dir = mkdtempSync(join(tmpdir(), 'tally-uniq-'))
const client = createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0])
console.log('distinct visitors   uniq (merged from 24 states)   error vs uniqExact')
for (const n of [10_000, 65_536, 100_000, 1_000_000, 5_000_000]) {
  const rs = await client.query({
    query: `SELECT uniqMerge(s) AS approx, (SELECT uniqExact(toString(number)) FROM numbers({n:UInt64})) AS exact
            FROM (SELECT number % 24 AS h, uniqState(toString(number)) AS s FROM numbers({n:UInt64}) GROUP BY h)`,
    query_params: { n },
    format: 'JSONEachRow',
  })
  const [row] = await rs.json<{ approx: number | string; exact: number | string }>()
  const approx = Number(row!.approx)
  const exact = Number(row!.exact)
  console.log(`${exact.toLocaleString('en-US').padStart(17)}   ${approx.toLocaleString('en-US').padStart(28)}   ${((100 * (approx - exact)) / exact).toFixed(3).padStart(8)} %`)
}
await client.close()
rmSync(dir, { recursive: true, force: true })
