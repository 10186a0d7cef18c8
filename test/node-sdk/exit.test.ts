import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { newRun, sleep, storedIds } from './helpers.js'

// flushOnExit in a real process: a script that ends without close(), and a server
// stopped by SIGTERM, deliver what they tracked; without the hook the loss is reported.
const CHILD = join(fileURLToPath(import.meta.url), '..', 'fixtures', 'exit-child.ts')
let c: CollectorProcess

beforeAll(async () => {
  c = await startCollector()
})
afterAll(async () => c?.cleanup())

function runChild(run: string, mode: 'natural' | 'signal' | 'none') {
  return new Promise<{ code: number | null; signal: string | null; stdout: string }>(async (resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, c.url, await c.token(), run, mode], { stdio: ['ignore', 'pipe', 'inherit'] })
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      if (mode === 'signal' && stdout.includes('ready')) child.kill('SIGTERM')
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve({ code, signal, stdout }))
  })
}

const count = async (run: string) =>
  Number((await c.sql<{ n: string }>(`SELECT count() AS n FROM tally.events WHERE props['run'] = {run:String}`, { run }))[0]!.n)

describe('flushOnExit', () => {
  it('a script that just ends delivers on beforeExit', async () => {
    const run = newRun('exit-natural')
    const { code, stdout } = await runChild(run, 'natural')
    expect(code).toBe(0)
    expect(stdout).toBe('')
    expect((await storedIds(c, run, 20)).size).toBe(20)
  })

  it('SIGTERM: delivers, then the signal takes its usual course', async () => {
    const run = newRun('exit-signal')
    const { signal, stdout } = await runChild(run, 'signal')
    expect(signal).toBe('SIGTERM')
    expect(stdout.trim()).toBe('ready')
    expect((await storedIds(c, run, 20)).size).toBe(20)
  })

  it('without the hook, the events left at exit are reported, not silently lost', async () => {
    const run = newRun('exit-none')
    const { code, stdout } = await runChild(run, 'none')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({ dropped: 20, reason: 'unsent' })
    await sleep(500)
    expect(await count(run)).toBe(0)
  })
})
