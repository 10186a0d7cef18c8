import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
const client = createClient({ connection: createChdbConnection({ path: '/tmp/exp/data2' }) } as Parameters<typeof createClient>[0])
for (const sql of process.argv.slice(2)) {
  if (sql.startsWith('!')) { await client.command({ query: sql.slice(1) }); console.log('ok'); continue }
  const times: number[] = []; let rows: unknown[] = []
  for (let i = 0; i < 8; i++) { const t = performance.now(); rows = await (await client.query({ query: sql, format: 'JSONEachRow' })).json(); times.push(performance.now() - t) }
  times.sort((a, b) => a - b)
  console.log(`${times[0]!.toFixed(1)} / ${times[4]!.toFixed(1)} ms  ${JSON.stringify(rows).slice(0, 150)}  <- ${sql.slice(0, 120).replace(/\s+/g, ' ')}`)
}
await client.close()
