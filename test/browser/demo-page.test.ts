import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launch } from './support.js'

// `npm start`'s example page in a real browser: it loads the tracker from the collector,
// gets a token from its own server, and its clicks land in ClickHouse for site `demo`.
const ROOT = resolve(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'tally-demo-'))
let child: ChildProcess | undefined
let browser: Browser | undefined

afterAll(async () => {
  await browser?.close()
  if (child?.pid && child.exitCode === null) {
    process.kill(child.pid, 'SIGTERM')
    await new Promise((done) => child!.once('exit', done))
  }
  rmSync(dataDir, { recursive: true, force: true })
})

it('sends the demo page’s views and clicks to the collector', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, TALLY_CONFIG: '', TALLY_DATA_DIR: dataDir, PORT: '0', TALLY_DEMO_PORT: '0', TALLY_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  const printed = await new Promise<string>((done) =>
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('script-tag demo at')) done(out)
    }),
  )
  const demoUrl = /script-tag demo at (\S+)/.exec(printed)![1]!
  const collectorUrl = /ready at (\S+)/.exec(printed)![1]!
  const adminToken = (JSON.parse(readFileSync(join(dataDir, 'dev.json'), 'utf8')) as { adminToken: string }).adminToken

  browser = await launch()
  const page = await browser.newPage()
  await page.goto(demoUrl)
  await page.click('a[href="/pricing"]')
  await page.click('button[data-tally-prop-plan="pro"]')
  await page.click('#custom')

  const query = "SELECT type, name, path FROM tally.events WHERE site_id = 'demo' ORDER BY ts"
  let rows: { type: string; name: string; path: string }[] = []
  for (let i = 0; i < 100 && rows.length < 5; i++) {
    await new Promise((r) => setTimeout(r, 100))
    const res = await fetch(`${collectorUrl}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ query }) })
    rows = ((await res.json()) as { rows: typeof rows }).rows
  }
  const seen = rows.map((r) => `${r.type} ${r.name} ${r.path}`)
  // Leaving `/` for `/pricing` also reports the engaged time spent on `/`.
  expect(seen.filter((e) => !e.includes('engagement'))).toEqual(['pageview pageview /', 'pageview pageview /pricing', 'track signup /pricing', 'track added_to_cart /pricing'])
  expect(seen).toContain('track engagement /')
})
