import { z } from 'zod'
import { LIMITS } from './limits.js'

/**
 * The wire protocol of `POST /v1/batch`. The SDKs `import type` from here, so these
 * schemas cost them nothing at run time.
 */

const text = (max: number = LIMITS.stringLength) => z.string().max(max)

/** Event types. `order` is reserved for order tracking. */
export const EVENT_TYPES = ['pageview', 'track', 'identify'] as const

const propValue = z.union([text(), z.number().finite(), z.boolean()])

export const propsSchema = z
  .record(z.string().min(1).max(LIMITS.propKeyLength), propValue)
  .refine((p) => Object.keys(p).length <= LIMITS.propsPerEvent, {
    message: `at most ${LIMITS.propsPerEvent} props`,
  })

export const eventSchema = z.object({
  /** Client-made UUID; a retried event keeps its id, so it is never counted twice. */
  id: z.uuid(),
  type: z.enum(EVENT_TYPES),
  /** Event name: `pageview` for page views, the behaviour's name for `track`. */
  name: text(200).min(1),
  /** Client time, milliseconds since the Unix epoch. */
  ts: z.number().int().nonnegative(),
  /** Anonymous visitor id made by the SDK; absent in cookieless mode. */
  anon_id: text(128).optional(),
  session_id: text(128).optional(),
  user_id: text(256).optional(),
  url: text().optional(),
  referrer: text().optional(),
  title: text(1024).optional(),
  /** `WIDTHxHEIGHT` in CSS pixels. */
  screen: text(32).optional(),
  /** BCP 47 tag, e.g. `en-GB`. */
  locale: text(64).optional(),
  /** IANA zone, e.g. `Europe/Paris`. */
  timezone: text(64).optional(),
  props: propsSchema.optional(),
})

/**
 * A batch. Events are checked one by one after the envelope, so one bad event does
 * not sink the others; hence `events` is an array of unknowns here.
 */
export const batchEnvelopeSchema = z.object({
  /** Client time when the batch was sent (ms); used to correct client clock skew. */
  sent_at: z.number().int().nonnegative(),
  /** Token for senders that cannot set headers (unload beacons). */
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
