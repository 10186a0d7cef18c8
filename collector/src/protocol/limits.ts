/** Wire limits, enforced by the collector and respected by the SDKs when they batch. */
export const LIMITS = {
  /** Most events in one batch. */
  eventsPerBatch: 500,
  /** Most bytes of one event, as JSON. */
  bytesPerEvent: 32 * 1024,
  /** Most bytes of one request body. */
  bytesPerBody: 512 * 1024,
  /** Most entries in an event's `props`. */
  propsPerEvent: 64,
  /** Longest `props` key. */
  propKeyLength: 128,
  /** Longest string value anywhere in an event (url, title, prop value…). */
  stringLength: 8 * 1024,
} as const
