/**
 * Runs the ClickHouse-HTTP test front (see clickhouse-http-front.ts: a TEST STAND-IN
 * for a ClickHouse server, the real engine behind a minimal HTTP front, not a server we
 * ship) in this process, on 127.0.0.1.
 *
 *   TALLY_FRONT_PATH=/tmp/ch TALLY_FRONT_PORT=0 node --import tsx test/support/clickhouse-http-front-main.ts
 *
 * Optional: TALLY_FRONT_USER and TALLY_FRONT_PASSWORD (then requests must authenticate);
 * TALLY_FRONT_READONLY_USER / _PASSWORD, a second user run on a read-only session;
 * TALLY_FRONT_LOG, a file getting `{"user","sql"}` per statement.
 * Prints `{"listening":"http://127.0.0.1:<port>"}` on stdout when ready; SIGTERM or
 * SIGINT closes the server and the engine, then exits.
 */
import { createClickHouseHttpFront } from './clickhouse-http-front.js'

const path = process.env.TALLY_FRONT_PATH
if (!path) {
  console.error('TALLY_FRONT_PATH (the chDB data folder) is required')
  process.exit(2)
}

const front = await createClickHouseHttpFront({
  path,
  host: '127.0.0.1',
  port: Number(process.env.TALLY_FRONT_PORT ?? 0),
  user: process.env.TALLY_FRONT_USER,
  password: process.env.TALLY_FRONT_PASSWORD,
  readOnlyUser: process.env.TALLY_FRONT_READONLY_USER,
  readOnlyPassword: process.env.TALLY_FRONT_READONLY_PASSWORD,
  logPath: process.env.TALLY_FRONT_LOG,
})
process.stdout.write(`${JSON.stringify({ listening: front.url })}\n`)

let closing = false
const shutdown = (): void => {
  if (closing) return
  closing = true
  front.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('closing the front failed:', err)
      process.exit(1)
    },
  )
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
