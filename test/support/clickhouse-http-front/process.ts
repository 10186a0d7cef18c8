/**
 * The ClickHouse-HTTP test front as a child process (what tests use; see
 * ../clickhouse-http-front.ts). chDB holds one data folder per process, so each front
 * runs in its own process, entry ../clickhouse-http-front-main.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const MAIN = join(fileURLToPath(import.meta.url), '..', '..', 'clickhouse-http-front-main.ts')
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..')

export interface FrontProcess {
  url: string
  pid: number
  /** Statements run so far and who sent them (needs `logPath`). */
  statements(): { user: string; sql: string }[]
  /** What the child wrote (for failing tests). */
  readonly output: string
  /** SIGTERM; resolves when the child has exited. */
  stop(): Promise<void>
  /** SIGKILL; resolves when the child has exited. */
  kill9(): Promise<void>
}

/** Starts the front in a child process on 127.0.0.1 (by PID; stop it with `stop()`). */
export interface FrontProcessOptions {
  dataDir: string
  user?: string
  password?: string
  /** A second user whose statements run on a read-only session. */
  readOnlyUser?: string
  readOnlyPassword?: string
  /** Where the front logs who sent each statement (see `statements()`). */
  logPath?: string
  port?: number
}

export async function startClickHouseHttpFront(options: FrontProcessOptions): Promise<FrontProcess> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TALLY_FRONT_PATH: options.dataDir, TALLY_FRONT_PORT: String(options.port ?? 0) }
  if (options.user !== undefined) env.TALLY_FRONT_USER = options.user
  if (options.password !== undefined) env.TALLY_FRONT_PASSWORD = options.password
  if (options.readOnlyUser !== undefined) env.TALLY_FRONT_READONLY_USER = options.readOnlyUser
  if (options.readOnlyPassword !== undefined) env.TALLY_FRONT_READONLY_PASSWORD = options.readOnlyPassword
  if (options.logPath !== undefined) env.TALLY_FRONT_LOG = options.logPath
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
    statements: () =>
      options.logPath && existsSync(options.logPath)
        ? readFileSync(options.logPath, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { user: string; sql: string })
        : [],
    get output() {
      return output
    },
    stop: () => signal('SIGTERM'),
    kill9: () => signal('SIGKILL'),
  }
}
