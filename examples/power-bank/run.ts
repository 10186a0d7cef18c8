// The power-bank simulator, on sdk-node: orders across provinces and cabinets, returns,
// price corrections, refunds, cancels and deletes, and page views of the demo site, all
// to a collector in dev mode (site `demo`, signed with the dev key in <data>/dev-key.json).
//
//   npm start                                  # runs it beside the collector (TALLY_DEMO_ORDERS=0: not)
//   npx tsx examples/power-bank/run.ts         # or on its own, against a collector already running
//
// Env: TALLY_COLLECTOR_URL (default http://127.0.0.1:8787), TALLY_DATA_DIR (default .tally),
// TALLY_DEMO_ACTIONS_PER_SECOND (default 4). Stops on SIGTERM/SIGINT after sending what it holds.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createTallyNode } from '@tally/sdk-node'
import { createPowerBankSimulator } from './simulator.js'

const endpoint = process.env.TALLY_COLLECTOR_URL ?? 'http://127.0.0.1:8787'
const keyFile = join(process.env.TALLY_DATA_DIR || '.tally', 'dev-key.json')
const perSecond = Number(process.env.TALLY_DEMO_ACTIONS_PER_SECOND ?? 4)
if (!(perSecond > 0 && perSecond <= 1000)) throw new Error('TALLY_DEMO_ACTIONS_PER_SECOND is a number in (0, 1000]')

// tally.order() needs the `orders` scope: tokens made from signingKey carry `ingest server orders`.
const tally = createTallyNode({ endpoint, signingKey: readFileSync(keyFile, 'utf8'), site: 'demo', flushInterval: 500 })
const simulator = createPowerBankSimulator({ tally })

const timer = setInterval(() => simulator.step(), 1000 / perSecond)
console.log(`Tally power-bank simulator sending orders and page views to ${endpoint} (site demo, ${perSecond} actions/s)`)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  clearInterval(timer)
  const { unsent } = await tally.close({ timeout: 5_000 })
  if (unsent > 0) console.warn(`[power-bank] ${unsent} event(s) not delivered`)
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
