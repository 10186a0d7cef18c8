import { z } from 'zod'
import { LIMITS } from './limits.js'
import { checkStrings, epochMs, eventId } from './strings.js'

/**
 * The wire protocol of `POST /v1/batch`. The SDKs `import type` from here, so these
 * schemas cost them nothing at run time. What a string may hold (well-formed UTF-16,
 * which control characters where) is decided in `strings.ts`.
 */

/** Event types. `order` is reserved for order tracking. */
export const EVENT_TYPES = ['pageview', 'track', 'identify'] as const

/**
 * A prop value. Stored in `Map(String, String)`: a number as JavaScript writes it
 * (`String(n)`: 1e+21, 1e-7, -0 as 0; a JSON number is read as a double, so send an
 * integer beyond 2^53 as a string to keep every digit), a boolean as `true`/`false`.
 */
const propValue = z.union([z.string().max(LIMITS.stringLength), z.number().finite(), z.boolean()])

/**
 * zod's record skips a `__proto__` key without a word (it cannot assign one), so the
 * prop would be lost after a 202: refuse it instead.
 */
const withoutProtoKey = z.custom<unknown>((v) => typeof v !== 'object' || v === null || !Object.hasOwn(v, '__proto__'), {
  message: '"__proto__" is not a valid prop key',
})

export const propsSchema = withoutProtoKey.pipe(z.record(z.string().max(LIMITS.propKeyLength), propValue)).refine((p) => Object.keys(p).length <= LIMITS.propsPerEvent, {
  message: `at most ${LIMITS.propsPerEvent} props`,
})

const text = (max: number) => z.string().max(max)

export const eventSchema = z
  .object({
    /** Client-made UUID; a retried event keeps its id, so it is never counted twice. */
    id: eventId,
    type: z.enum(EVENT_TYPES),
    /** Event name: `pageview` for page views, the behaviour's name for `track`. */
    name: text(200),
    /** Client time, milliseconds since the Unix epoch (at most what DateTime64(3) holds, year 2299). */
    ts: epochMs,
    /** Anonymous visitor id made by the SDK; absent in cookieless mode. */
    anon_id: text(128).optional(),
    session_id: text(128).optional(),
    user_id: text(256).optional(),
    url: text(LIMITS.stringLength).optional(),
    referrer: text(LIMITS.stringLength).optional(),
    /** Free text: tab, line feed and carriage return are kept. */
    title: text(1024).optional(),
    /** `WIDTHxHEIGHT` in CSS pixels. */
    screen: text(32).optional(),
    /** BCP 47 tag, e.g. `en-GB`. */
    locale: text(64).optional(),
    /** IANA zone, e.g. `Europe/Paris`. */
    timezone: text(64).optional(),
    props: propsSchema.optional(),
  })
  // What each string may hold (strings.ts): the title and prop values are free text, a
  // name and prop keys must name something, the rest are identifiers.
  .superRefine(
    checkStrings({
      fields: { name: 'name', anon_id: 'identifier', session_id: 'identifier', user_id: 'identifier', url: 'identifier', referrer: 'identifier', title: 'text', screen: 'identifier', locale: 'identifier', timezone: 'identifier' },
      props: { field: 'props', key: 'name', value: 'text' },
    }),
  )

/**
 * A batch. Events are checked one by one after the envelope, so one bad event does
 * not sink the others; hence `events` is an array of unknowns here.
 */
export const batchEnvelopeSchema = z.object({
  /** Client time when the batch was sent (ms); used to correct client clock skew. */
  sent_at: epochMs,
  /** Token for senders that cannot set headers (unload beacons). Its content is the token check's business (401 ERR_TOKEN_MALFORMED). */
  token: z.string().max(4096).optional(),
  /**
   * Who sends: `browser` (a web page), `app` (a mobile app or another runtime without a
   * DOM), `server` (an app backend). Default: `browser` when the request has an Origin
   * header, else `server`. Server events get no device, geo or bot enrichment: the
   * connection is the backend's, not the visitor's.
   */
  source: z.enum(['browser', 'app', 'server']).optional(),
  events: z.array(z.unknown()).min(1).max(LIMITS.eventsPerBatch),
})

export type WireEvent = z.infer<typeof eventSchema>
export type WireEventType = WireEvent['type']
export type WireProps = NonNullable<WireEvent['props']>
export type WireSource = 'browser' | 'app' | 'server'
export interface WireBatch {
  sent_at: number
  token?: string
  source?: WireSource
  events: WireEvent[]
}

/** Response body of `POST /v1/batch` (202). */
export interface BatchAccepted {
  accepted: number
  /** Index in `events` and reason, for each event that was refused. */
  rejected: { index: number; reason: string }[]
}

/** Error body of every non-2xx answer. `code` is stable; `message` is for people. */
export interface ErrorBody {
  error: { code: string; message: string }
}
