/**
 * Wire types of `POST /v1/batch`, mirrored from `collector/src/protocol/batch.ts`
 * (the collector owns them). They are written out here, not re-exported, so the
 * published `.d.ts` stands alone (the collector's are zod inferences); `types.test.ts`
 * fails the type check if the two ever differ.
 */

/** Event types. */
export type WireEventType = 'pageview' | 'track' | 'identify'

/** Free-form properties: at most 64 keys of at most 128 characters. */
export type WireProps = Record<string, string | number | boolean>

/** One event as sent to the collector. */
export interface WireEvent {
  /** Client-made UUID; a retried event keeps its id, so it is never counted twice. */
  id: string
  type: WireEventType
  /** `pageview` for page views, the behaviour's name for `track`. */
  name: string
  /** Client time, ms since the Unix epoch. */
  ts: number
  /** Anonymous visitor id; absent in cookieless mode. */
  anon_id?: string | undefined
  session_id?: string | undefined
  user_id?: string | undefined
  url?: string | undefined
  referrer?: string | undefined
  title?: string | undefined
  /** `WIDTHxHEIGHT` in CSS pixels. */
  screen?: string | undefined
  /** BCP 47 tag, e.g. `en-GB`. */
  locale?: string | undefined
  /** IANA zone, e.g. `Europe/Paris`. */
  timezone?: string | undefined
  props?: WireProps | undefined
}

/**
 * Who sends: `browser` (a web page), `app` (a mobile app or another runtime without a
 * DOM), `server` (an app backend). The collector's default: `browser` when the request
 * has an Origin header, else `server`.
 */
export type WireSource = 'browser' | 'app' | 'server'

/** A request body of `POST /v1/batch`. */
export interface WireBatch {
  /** Client time of sending (ms); lets the collector correct client clock skew. */
  sent_at: number
  /** Token, for senders that cannot set headers (`text/plain` beacons). */
  token?: string
  source?: WireSource
  events: WireEvent[]
}

/** The 202 answer. */
export interface BatchAccepted {
  accepted: number
  rejected: { index: number; reason: string }[]
}

/** Every non-2xx answer. `code` is stable (see `collector/src/protocol/errors.ts`). */
export interface ErrorBody {
  error: { code: string; message: string }
}

/**
 * Limits the SDK respects when batching; copied from `collector/src/protocol/limits.ts`
 * (`LIMITS`) so the SDK imports nothing from the collector at run time.
 */
export const WIRE_LIMITS = {
  eventsPerBatch: 500,
  bytesPerEvent: 32 * 1024,
  bytesPerBody: 512 * 1024,
} as const
