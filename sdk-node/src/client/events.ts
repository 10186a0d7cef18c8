import { uuid, type WireEvent, type WireProps } from '@tally/sdk-browser/core'
import { TallyError } from '../errors.js'

export type { WireEvent, WireProps }

/** Who and where an event is about. Every field is optional. */
export interface EventContext {
  /**
   * Event id, a UUID. Default: a new random one. Give your own (e.g. derived from your
   * order id) to make a call idempotent across processes: the collector stores an id once
   * (repeats are recognised when their timestamps are within 7 days of each other).
   */
  id?: string
  /** When it happened, ms since the epoch or a `Date`. Default: now. */
  timestamp?: number | Date
  /** Your user id (`user_id`). With no `anonymousId`, the collector counts the visitor by it. Default: none. */
  userId?: string
  /** The visitor's anonymous id, e.g. forwarded from the page, so server and browser events join up (`anon_id`). Default: none. */
  anonymousId?: string
  /** Session id (`session_id`). Default: none (the collector derives one). */
  sessionId?: string
  /** Page URL the event relates to. Default: none. */
  url?: string
  /** Referrer of that page. Default: none. */
  referrer?: string
  /** Page title. Default: none. */
  title?: string
  /** BCP 47 language tag, e.g. `en-GB`. Default: none. */
  locale?: string
  /** IANA time zone, e.g. `Europe/Paris`. Default: none. */
  timezone?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function invalid(message: string): never {
  throw new TallyError('ERR_EVENT_INVALID', message)
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`${what} must be a non-empty string`)
  return value
}

/**
 * Builds a wire event. Programming mistakes (no name, a malformed id or time) throw
 * `TallyError('ERR_EVENT_INVALID')` at the call site; data the collector refuses
 * (too many props, strings too long) is reported later through `onDrop('rejected')`.
 */
export function buildEvent(type: WireEvent['type'], name: string, props: WireProps | undefined, ctx: EventContext = {}): WireEvent {
  text(name, 'an event name')
  const id = ctx.id ?? uuid()
  if (!UUID.test(id)) invalid(`id must be a UUID, got ${JSON.stringify(id)}`)
  const ts = ctx.timestamp instanceof Date ? ctx.timestamp.getTime() : (ctx.timestamp ?? Date.now())
  if (!Number.isFinite(ts) || ts < 0) invalid('timestamp must be a time (ms since the epoch, or a Date)')
  const event: WireEvent = { id, type, name, ts: Math.floor(ts) }
  if (ctx.anonymousId !== undefined) event.anon_id = text(ctx.anonymousId, 'anonymousId')
  if (ctx.sessionId !== undefined) event.session_id = text(ctx.sessionId, 'sessionId')
  if (ctx.userId !== undefined) event.user_id = text(ctx.userId, 'userId')
  if (ctx.url !== undefined) event.url = ctx.url
  if (ctx.referrer !== undefined) event.referrer = ctx.referrer
  if (ctx.title !== undefined) event.title = ctx.title
  if (ctx.locale !== undefined) event.locale = ctx.locale
  if (ctx.timezone !== undefined) event.timezone = ctx.timezone
  if (props !== undefined) {
    if (typeof props !== 'object' || props === null || Array.isArray(props)) invalid('props must be an object of strings, numbers and booleans')
    if (Object.keys(props).length > 0) event.props = props
  }
  return event
}
