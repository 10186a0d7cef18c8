/**
 * The ClickHouse-HTTP test front as a child process (what tests use; see
 * ../clickhouse-http-front.ts). chDB holds one data folder per process, so each front
 * runs in its own process, entry ../clickhouse-http-front-main.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const MAIN = join(fileURLToPath(import.meta.url), '..', '..', 'clickhouse-http-front-main.ts')
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..')

export interface FrontProcess {
  url: string
  pid: number
  /** What the child wrote (for failing tests). */
  readonly output: string
  /** SIGTERM; resolves when the child has exited. */
  stop(): Promise<void>
  /** SIGKILL; resolves when the child has exited. */
  kill9(): Promise<void>
}

/** Starts the front in a child process on 127.0.0.1 (by PID; stop it with `stop()`). */
export async function startClickHouseHttpFront(options: { dataDir: string; user?: string; password?: string; port?: number }): Promise<FrontProcess> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TALLY_FRONT_PATH: options.dataDir, TALLY_FRONT_PORT: String(options.port ?? 0) }
  if (options.user !== undefined) env.TALLY_FRONT_USER = options.user
  if (options.password !== undefined) env.TALLY_FRONT_PASSWORD = options.password
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)))
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`ClickHouse HTTP front did not start in 30 s:\n${output}`))
    }, 30_000)
    let buffer = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      output = (output + d.toString()).slice(-20_000)
      const m = /"listening":"([^"]+)"/.exec(buffer)
      if (m) {
        clearTimeout(timer)
        done(m[1]!)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`ClickHouse HTTP front exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done()
    else child.once('exit', () => done())
  })
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, sig)
    await exited
  }
  return {
    url,
    pid: child.pid!,
    get output() {
      return output
    },
    stop: () => signal('SIGTERM'),
    kill9: () => signal('SIGKILL'),
  }
}
