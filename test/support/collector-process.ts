import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignJWT } from 'jose'
import { CLAIM_SCOPE, CLAIM_SITE, DEFAULT_AUDIENCE, DEFAULT_ISSUER, SCOPE_INGEST, SCOPE_SERVER } from '../../collector/src/protocol/claims.js'
import type { KeySpec } from '../../collector/src/auth/key-spec.js'
import { collectorEnv } from '../../collector/src/threadpool-env.js'

/**
 * A real collector in a child process (chDB holds a data folder for one process, and
 * `kill -9` needs a process of its own). Started and stopped by PID, on 127.0.0.1.
 */
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const MAIN = join(ROOT, 'collector', 'src', 'main.ts')

export const HARNESS_KID = 'harness'
export const HARNESS_SECRET = 'harness-secret-harness-secret-harness-secret'
export const ADMIN_TOKEN = 'harness-admin-token-0123456789'
export const DASHBOARD_TOKEN = 'harness-dashboard-token-0123456789'

export interface SiteInput {
  id: string
  origins?: string[]
  cookieless?: boolean
}

export interface CollectorOptions {
  sites?: SiteInput[]
  /** Extra verification keys besides the harness's HS256 key. */
  keys?: KeySpec[]
  /** Extra environment (e.g. CLICKHOUSE_URL, TALLY_SPOOL_MAX_BYTES). */
  env?: Record<string, string>
  /** Reuse a data folder (default: a new temporary one, removed by `cleanup`). */
  dataDir?: string
}

export interface TokenOptions {
  site?: string
  ttlSeconds?: number
  kid?: string
  /** Default `ingest server`: tests send from Node, as a backend does (a browser token's events from Node's UA count as a bot's). */
  scope?: string
  subject?: string
}

export class CollectorProcess {
  url = ''
  port = 0
  private child: ChildProcess | undefined
  private logs: string[] = []

  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly ownsDataDir: boolean,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Last lines the collector wrote to stderr (for failing tests). */
  get output(): string {
    return this.logs.join('')
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: collectorEnv({ ...process.env, ...this.env, PORT: String(this.port), TALLY_LOG: 'on' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout!.on('data', (d: Buffer) => this.keep(d.toString()))
    const listening = new Promise<string>((resolveUrl, reject) => {
      let buffer = ''
      child.stderr!.on('data', (d: Buffer) => {
        const text = d.toString()
        this.keep(text)
        buffer += text
        const match = /"message":"collector listening","url":"([^"]+)"/.exec(buffer)
        if (match) resolveUrl(match[1]!)
      })
      child.once('exit', (code) => reject(new Error(`collector exited (${code}) before listening:\n${this.output}`)))
    })
    this.url = await withTimeout(listening, 60_000, () => `collector did not start:\n${this.output}`)
    this.port = Number(new URL(this.url).port)
  }

  /** SIGTERM: the collector drains its spool and exits. */
  async stop(): Promise<number | null> {
    return this.signal('SIGTERM')
  }

  /** SIGKILL: no drain, no goodbye; what was acknowledged must survive it. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL')
  }

  /** Same port, same data folder. */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.stop()
    await this.start()
  }

  /** Stops the process if running and removes a temporary data folder. */
  async cleanup(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.kill9()
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true })
  }

  /** A valid token signed with the harness's HS256 key (default site `test`). */
  token(options: TokenOptions = {}): Promise<string> {
    return signHarnessToken(options)
  }

  /** Read-only SQL through the running collector's `/v1/sql`. */
  async sql<T = Record<string, unknown>>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
    const res = await fetch(`${this.url}/v1/sql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, params }),
    })
    const body = (await res.json()) as { rows?: T[]; error?: { message: string } }
    if (!res.ok) throw new Error(`sql failed (${res.status}): ${body.error?.message}`)
    return body.rows!
  }

  /** Polls `query` until `predicate` holds (or fails after `timeoutMs`). */
  async waitFor<T>(query: string, predicate: (rows: T[]) => boolean, timeoutMs = 10_000, params: Record<string, unknown> = {}): Promise<T[]> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const rows = await this.sql<T>(query, params)
      if (predicate(rows)) return rows
      if (Date.now() > until) throw new Error(`timed out waiting; last rows: ${JSON.stringify(rows).slice(0, 500)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  /** Waits until the spool is empty: everything acknowledged so far is in ClickHouse, rollups included. */
  async waitForDrain(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const ready = (await (await fetch(`${this.url}/readyz`)).json()) as { spool: { bytes: number; segments: number } }
      if (ready.spool.bytes === 0 && ready.spool.segments === 0) return
      if (Date.now() > until) throw new Error(`spool not drained: ${JSON.stringify(ready.spool)}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  private signal(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child?.exitCode ?? null)
    return new Promise((done) => {
      child.once('exit', (code) => done(code))
      process.kill(child.pid!, signal)
    })
  }

  private keep(text: string): void {
    this.logs.push(text)
    if (this.logs.length > 200) this.logs.shift()
  }
}

/** Starts a collector with sites `test` and `other` (any origin) unless told otherwise. */
export async function startCollector(options: CollectorOptions = {}): Promise<CollectorProcess> {
  const ownsDataDir = !options.dataDir
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tally-test-'))
  const configPath = join(dataDir, 'config.json')
  const sites = options.sites ?? [
    { id: 'test', origins: ['*'] },
    { id: 'other', origins: ['*'] },
  ]
  writeFileSync(
    configPath,
    JSON.stringify({
      sites,
      keys: [{ kid: HARNESS_KID, alg: 'HS256', secret: HARNESS_SECRET }, ...(options.keys ?? [])],
      adminToken: ADMIN_TOKEN,
      dashboardToken: DASHBOARD_TOKEN,
      allowHeadless: true,
      geo: true,
      writer: { flushIntervalMs: 200 },
    }),
  )
  const collector = new CollectorProcess(dataDir, { TALLY_CONFIG: configPath, TALLY_DATA_DIR: join(dataDir, 'data'), HOST: '127.0.0.1', ...options.env }, ownsDataDir)
  try {
    await collector.start()
  } catch (err) {
    await collector.cleanup()
    throw err
  }
  return collector
}

export async function signHarnessToken(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ [CLAIM_SITE]: options.site ?? 'test', [CLAIM_SCOPE]: options.scope ?? `${SCOPE_INGEST} ${SCOPE_SERVER}` })
    .setProtectedHeader({ alg: 'HS256', kid: options.kid ?? HARNESS_KID, typ: 'JWT' })
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject(options.subject ?? 'harness')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.ttlSeconds ?? 300))
    .sign(new TextEncoder().encode(HARNESS_SECRET))
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message())), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
