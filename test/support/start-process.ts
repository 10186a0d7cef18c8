import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

/**
 * What `npm start` runs once packages are installed and the SDKs built (scripts/start.ts),
 * in dev mode, with its own data folder and free ports. Stopped by PID with SIGTERM.
 */
const ROOT = resolve(import.meta.dirname, '..', '..')

export interface StartedTally {
  /** Everything printed to stdout up to the example page's line. */
  printed: string
  collectorUrl: string
  demoUrl: string
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>
}

/** `env`: more settings, e.g. TALLY_DEMO_ORDERS=0 (no power-bank simulator). */
export async function startTallyDev(dataDir: string, env: Record<string, string> = {}): Promise<StartedTally> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, TALLY_CONFIG: '', TALLY_DATA_DIR: dataDir, PORT: '0', TALLY_DEMO_PORT: '0', TALLY_LOG: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  const printed = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('/v1/sql') && out.includes('script-tag demo at')) done(out)
    })
    child.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${out}`)))
  })
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return {
    printed,
    collectorUrl: /ready at (\S+)/.exec(printed)![1]!,
    demoUrl: /script-tag demo at (\S+)/.exec(printed)![1]!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM')
      return exited
    },
  }
}
