import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { descendants, isGone, isPortFree } from '../support/process-tree.js'

// `npm start` as a user runs it (npm → sh → node start.ts → collector + demo page), then
// SIGTERM to the npm process, as a process manager or `kill <pid>` sends it: every process
// it started is gone and both ports are free, within a bound. (npm start builds the SDKs
// first, so this test takes as long as that build.)
const ROOT = resolve(import.meta.dirname, '..', '..')
const dataDir = mkdtempSync(join(tmpdir(), 'tally-npm-start-'))
const started: number[] = []

afterAll(() => {
  for (const pid of started) if (!isGone(pid)) process.kill(pid, 'SIGKILL') // only what this test started
  rmSync(dataDir, { recursive: true, force: true })
})

async function until(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (await condition()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return condition()
}

it('SIGTERM to `npm start` stops the collector, the demo page and the simulator, frees both ports, and npm exits 0', async () => {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, TALLY_CONFIG: '', TALLY_DATA_DIR: dataDir, PORT: '0', TALLY_DEMO_PORT: '0', TALLY_LOG: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  started.push(npm.pid!)
  const exit = new Promise<number | null>((done) => npm.once('exit', (code) => done(code)))
  let out = ''
  npm.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  expect(await until(() => out.includes('script-tag demo at') || npm.exitCode !== null, 150_000)).toBe(true)
  const ports = [/ready at http:\/\/127\.0\.0\.1:(\d+)/, /script-tag demo at http:\/\/127\.0\.0\.1:(\d+)/].map((re) => Number(re.exec(out)![1]))
  const tree = descendants(npm.pid!)
  started.push(...tree)
  expect(tree.length).toBeGreaterThanOrEqual(4) // start.ts, the collector, the demo page, the power-bank simulator (and sh without exec)
  for (const port of ports) expect(await isPortFree(port)).toBe(false)

  process.kill(npm.pid!, 'SIGTERM')
  expect(await exit).toBe(0) // npm waited for its child, which waited for the drain
  // The collector drains (an empty spool: well under a second); 10 s is the bound.
  expect(await until(() => tree.every(isGone), 10_000)).toBe(true)
  for (const port of ports) expect(await isPortFree(port)).toBe(true)
}, 200_000)
