import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { startTallyDev, type StartedTally } from '../support/start-process.js'

// The README's quick start, as a newcomer runs it: start in dev mode, copy the printed
// curl line, see 202, and see the page view in the rollup within 2 s. The power-bank
// simulator is left out (TALLY_DEMO_ORDERS=0), so the count is exactly the curl's one
// view; test/collector/power-bank.test.ts runs `npm start` with it.
const dataDir = mkdtempSync(join(tmpdir(), 'tally-quick-start-'))
let tally: StartedTally | undefined

afterAll(async () => {
  await tally?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('prints a token and a curl line that returns 202, and the rollup shows the view within 2 s', async () => {
  tally = await startTallyDev(dataDir, { TALLY_DEMO_ORDERS: '0' })
  const { printed, collectorUrl, demoUrl } = tally
  const send = printed.split('\n').find((l) => l.trim().startsWith('curl -i -X POST'))!.trim()
  const read = printed.split('\n').find((l) => l.trim().startsWith('curl -s'))!.trim()
  const answer = execFileSync('bash', ['-c', `${send} -s`], { encoding: 'utf8' })
  expect(answer).toMatch(/^HTTP\/1\.1 202/)
  expect(answer).toContain('{"accepted":1,"rejected":[]}')
  const sent = Date.now()
  let rows: { pv: number | string }[] = []
  while (Date.now() - sent < 2_000) {
    rows = (JSON.parse(execFileSync('bash', ['-c', read], { encoding: 'utf8' })) as { rows: { pv: number | string }[] }).rows
    if (Number(rows[0]?.pv) === 1) break
    await new Promise((r) => setTimeout(r, 100))
  }
  expect(rows.map((r) => Number(r.pv))).toEqual([1])

  // The example page is up beside it, loading the tracker from this collector.
  expect(await (await fetch(demoUrl)).text()).toContain(`src="${collectorUrl}/tally.js"`)
  expect((await fetch(`${collectorUrl}/tally.js`)).status).toBe(200)
  expect(printed).toContain(`${collectorUrl}/dashboard#token=`)
  expect(await tally.stop()).toBe(0) // SIGTERM drains and exits cleanly
})
