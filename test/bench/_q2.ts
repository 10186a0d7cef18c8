import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
const client = createClient({ connection: createChdbConnection({ path: '/tmp/exp/data2' }) } as Parameters<typeof createClient>[0])
const params = { ...queryParams(parseViewParams(new URLSearchParams(process.env.VIEW ?? 'period=30d'), 'bench', 'UTC'), []), dims: ['country'], limit: 10, candidates: 50 }
for (const sql of process.argv.slice(2)) {
  const times: number[] = []; let rows: unknown[] = []
  for (let i = 0; i < 8; i++) { const t = performance.now(); rows = await (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json(); times.push(performance.now() - t) }
  times.sort((a, b) => a - b)
  console.log(`${times[0]!.toFixed(1)} / ${times[4]!.toFixed(1)} ms  ${JSON.stringify(rows).slice(0, 150)}  <- ${sql.slice(0, 150).replace(/\s+/g, ' ')}`)
}
await client.close()
