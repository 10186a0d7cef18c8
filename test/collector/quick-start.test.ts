import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'

// The README's quick start, as a newcomer runs it: start in dev mode, copy the printed
// curl line, see 202, and see the page view in the rollup within 2 s.
const ROOT = resolve(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'tally-quick-start-'))
let child: ChildProcess | undefined

afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

it('prints a token and a curl line that returns 202, and the rollup shows the view within 2 s', async () => {
  // What `npm start` runs once packages are installed and the SDKs built.
  child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, TALLY_CONFIG: '', TALLY_DATA_DIR: dataDir, PORT: '0', TALLY_DEMO_PORT: '0', TALLY_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const printed = await new Promise<string>((done, fail) => {
    child!.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('/v1/sql') && out.includes('script-tag demo at')) done(out)
    })
    child!.once('exit', (code) => fail(new Error(`exited ${code}:\n${out}`)))
  })
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
  const demoUrl = /script-tag demo at (\S+)/.exec(printed)![1]!
  const collectorUrl = /ready at (\S+)/.exec(printed)![1]!
  expect(await (await fetch(demoUrl)).text()).toContain(`src="${collectorUrl}/tally.js"`)
  expect((await fetch(`${collectorUrl}/tally.js`)).status).toBe(200)
  expect(printed).toContain(`${collectorUrl}/dashboard#admin=`)
  process.kill(child.pid!, 'SIGTERM')
  expect(await new Promise((done) => child!.once('exit', done))).toBe(0)
})
