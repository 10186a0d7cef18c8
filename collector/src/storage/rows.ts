/**
 * Rows as they are inserted into ClickHouse (JSONEachRow). Column names match
 * `migrations/*.sql`; DateTime64 columns take milliseconds since the epoch.
 */

/** One row of `events`: a wire event after validation and enrichment. */
export interface EventRow {
  id: string
  site_id: string
  type: string
  name: string
  /** Event time (client time corrected for the client's clock skew), ms. */
  ts: number
  /** When the collector received the batch, ms. */
  received_at: number
  visitor_id: string
  session_id: string
  user_id: string
  url: string
  hostname: string
  path: string
  referrer: string
  referrer_host: string
  /** `direct`, `search`, `social`, `email`, `paid`, `referral`, `internal`. */
  channel: string
  utm_source: string
  utm_medium: string
  utm_campaign: string
  utm_term: string
  utm_content: string
  title: string
  screen: string
  locale: string
  timezone: string
  browser: string
  browser_version: string
  os: string
  os_version: string
  /** `desktop`, `mobile`, `tablet`, `tv`, `console`, `wearable`, `embedded`, `bot`. */
  device_type: string
  /** ISO 3166-1 alpha-2, or '' when unknown. */
  country: string
  region: string
  is_bot: 0 | 1
  /** The bot family when is_bot = 1 (`googlebot`, `curl`, `empty`…), else ''. Since migration 007. */
  bot: string
  /** `browser` or `server` (which SDK or client sent it). */
  source: string
  props: Record<string, string>
}

/** One row of `rejected_events`: an event refused by validation, with the reason. */
export interface RejectedRow {
  site_id: string
  received_at: number
  reason: string
  /** The refused event as sent (JSON, truncated to 32 KB). */
  payload: string
  /** Why, when the reason alone does not say (the engine's message); '' when absent. */
  message?: string
}

/**
 * The column order of an event tuple: how events travel through the spool and into
 * ClickHouse (`JSONCompactEachRow`), half the bytes of keyed JSON and faster to encode
 * and parse. Version 2 of the spool format (version 1 had no `bot`, the last column);
 * a new column means a new version, appended at the end.
 */
export const EVENT_COLUMNS = [
  'id', 'site_id', 'type', 'name', 'ts', 'received_at', 'visitor_id', 'session_id', 'user_id',
  'url', 'hostname', 'path', 'referrer', 'referrer_host', 'channel',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
  'title', 'screen', 'locale', 'timezone', 'browser', 'browser_version', 'os', 'os_version',
  'device_type', 'country', 'region', 'is_bot', 'source', 'props', 'bot',
] as const satisfies readonly (keyof EventRow)[]

/** An event row as a tuple in {@link EVENT_COLUMNS} order. */
export type EventTuple = EventRow[keyof EventRow][]

/** Positions the writer reads without decoding the whole tuple. */
export const EVENT_ID = 0
export const EVENT_SITE = 1
export const EVENT_TS = 4
export const EVENT_RECEIVED_AT = 5

export function toEventTuple(row: EventRow): EventTuple {
  return EVENT_COLUMNS.map((column) => row[column])
}

// Every EventRow field has a column position (a compile error otherwise).
type UnplacedColumns = Exclude<keyof EventRow, (typeof EVENT_COLUMNS)[number]>
const everyColumnPlaced: [UnplacedColumns] extends [never] ? true : UnplacedColumns = true
void everyColumnPlaced
