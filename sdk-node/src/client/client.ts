import { createCore, type CoreOptions, type IssuedToken, type Transport, type WireEvent, type WireProps } from '@tally/sdk-browser/core'
import { createTokenIssuer, SERVER_TRACKING_SCOPE } from '../token/issuer.js'
import { buildEvent, type EventContext } from './events.js'
import { buildOrderEvent, type TallyOrder } from './order.js'
import { installExitHooks } from './exit.js'
import { checkOptions, NODE_DEFAULTS, type NodeDropReason, type TallyNodeOptions } from './options.js'
import { serverTransport } from './transport.js'

/** `page()` context: the usual context, plus the page view's props. */
export interface PageContext extends EventContext {
  /** Free-form properties of the page view. Default: none. */
  props?: WireProps
}

export interface TallyNodeStats {
  /** Events held now (waiting or in flight). */
  queued: number
  /** Events the collector acknowledged (202). */
  sent: number
  /** Events dropped undelivered, all reasons. */
  dropped: number
  /** Of those, dropped because the queue was full. */
  overflowed: number
  /** Dropped events by reason. */
  droppedBy: Record<NodeDropReason, number>
}

export interface CloseResult {
  /** True when every event tracked before `close()` was delivered (or finally refused). */
  delivered: boolean
  /** Events still undelivered at the deadline; they were reported through `onDrop(…, 'unsent')`. */
  unsent: number
}

/** Server-side tracking. Every tracking call returns the event's id and never waits for the network. */
export interface TallyNode {
  /**
   * Tracks a behaviour event.
   * @example tally.track('signup', { plan: 'pro' }, { userId: user.id })
   */
  track(name: string, props?: WireProps, context?: EventContext): string
  /**
   * Tracks a page view rendered by the server.
   * @example tally.page('https://shop.example/pricing', { anonymousId, referrer: req.headers.referer })
   */
  page(url: string, context?: PageContext): string
  /**
   * Links a user id to a visitor (and records traits as props).
   * @example tally.identify(user.id, { plan: 'pro' }, { anonymousId })
   */
  identify(userId: string, traits?: WireProps, context?: EventContext): string
  /**
   * Sends an order's full current state (never a delta); the highest `version` wins.
   * Needs a token with the `orders` scope (tokens made from `signingKey` have it).
   * @example tally.order({ id: 'o-1', version: 2, status: 'completed', province: 'Zhejiang', cabinet: 'cab-7', startedAt, endedAt, pricePerHour: '3.00', currency: 'CNY' })
   */
  order(order: TallyOrder): string
  /**
   * Sends everything waiting and resolves once no request is in flight: each event tracked
   * before the call was acknowledged, finally refused, or failed retryably. With `timeout`
   * (ms), it goes on retrying through backoff delays until everything is delivered or the
   * time is up (use it at the end of a serverless invocation). Resolves with the number of
   * events still held.
   */
  flush(options?: { timeout?: number }): Promise<{ pending: number }>
  /**
   * Delivers everything (retrying through backoff delays) for at most `timeout` ms (default
   * `10000`), waiting for requests in flight; requests still running at the deadline are
   * aborted. Events left are reported through `onDrop(…, 'unsent')`. Later tracking calls
   * are dropped (`'closed'`). Calling it again returns the same promise.
   */
  close(options?: { timeout?: number }): Promise<CloseResult>
  stats(): TallyNodeStats
}

const REASONS: NodeDropReason[] = ['overflow', 'too_large', 'final', 'rejected', 'closed', 'expired', 'unsent']

/** The default `onDrop`: a warning at most every 5 s per reason, with the count since the last one. */
function warnDrops(): NonNullable<TallyNodeOptions['onDrop']> {
  const unreported = new Map<NodeDropReason, number>()
  const last = new Map<NodeDropReason, number>()
  return (events, reason, detail) => {
    const n = (unreported.get(reason) ?? 0) + events.length
    const now = Date.now()
    if (now - (last.get(reason) ?? 0) < 5000) return void unreported.set(reason, n)
    last.set(reason, now)
    unreported.set(reason, 0)
    console.warn(`[tally] dropped ${n} event(s): ${reason}${detail ? ` (${detail})` : ''}`)
  }
}

/**
 * Creates a tracking client for app backends, on the same sending core as sdk-browser:
 * batches by count, bytes and time; a bounded queue with a reported overflow; retries with
 * backoff and jitter honouring `Retry-After`; tokens refreshed before expiry and after a 401.
 *
 * @example
 * ```ts
 * import { createTallyNode } from '@tally/sdk-node'
 *
 * const tally = createTallyNode({
 *   endpoint: 'https://collector.example.com',
 *   signingKey: process.env.TALLY_SIGNING_KEY!, // or token / getToken
 *   site: 'shop',
 *   flushOnExit: true,
 * })
 * tally.track('checkout_started', { items: 3 }, { userId: 'u42' })
 * await tally.close()
 * ```
 */
export function createTallyNode(options: TallyNodeOptions): TallyNode {
  checkOptions(options)
  const onDrop = options.onDrop ?? warnDrops()
  const droppedBy = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<NodeDropReason, number>
  /** Every event tracked and not yet acknowledged or dropped: what `unsent` reports. */
  const held = new Map<string, WireEvent>()
  const abort = new AbortController()

  const drop = (events: WireEvent[], reason: NodeDropReason, detail?: string) => {
    droppedBy[reason] += events.length
    for (const e of events) held.delete(e.id)
    try {
      onDrop(events, reason, detail)
    } catch {
      /* a throwing callback must not break delivery */
    }
  }

  let token: CoreOptions['token']
  if (options.token !== undefined) token = options.token
  else if (options.getToken) token = abortable(options.getToken, abort.signal)
  else {
    const claims = options.tokenClaims ?? {}
    const issuer = createTokenIssuer({ keys: [options.signingKey!], issuer: claims.issuer, audience: claims.audience, defaultTtl: claims.ttl })
    const site = options.site!
    // Its own tokens may mark events as server events; a browser's never can.
    token = () => issuer.issue({ site, subject: claims.subject, scope: SERVER_TRACKING_SCOPE })
  }

  const base = options.transport ?? serverTransport({ timeoutMs: options.requestTimeout ?? NODE_DEFAULTS.requestTimeout, abort: abort.signal })
  // Acknowledged events leave `held` (the body is the core's JSON: its ids are read back).
  // Any transport, ours or yours, gives up when close() reaches its deadline.
  const transport: Transport = async (req) => {
    const res = await untilAborted(base(req), abort.signal)
    if (res.status >= 200 && res.status < 300) {
      for (const e of (JSON.parse(req.body) as { events: WireEvent[] }).events) held.delete(e.id)
    }
    return res
  }

  const core = createCore({
    endpoint: options.endpoint,
    token,
    tokenRefreshMs: options.tokenRefreshMs ?? NODE_DEFAULTS.tokenRefreshMs,
    source: 'server',
    transport,
    maxQueueEvents: options.maxQueueEvents ?? NODE_DEFAULTS.maxQueueEvents,
    maxQueueBytes: options.maxQueueBytes ?? NODE_DEFAULTS.maxQueueBytes,
    maxBatchEvents: options.maxBatchEvents ?? NODE_DEFAULTS.maxBatchEvents,
    maxBodyBytes: options.maxBodyBytes ?? NODE_DEFAULTS.maxBodyBytes,
    flushAt: options.flushAt ?? NODE_DEFAULTS.flushAt,
    flushInterval: options.flushInterval ?? NODE_DEFAULTS.flushInterval,
    backoff: options.backoff,
    onDrop: drop,
    onError: options.onError,
  })

  let closing: Promise<CloseResult> | undefined
  const reportUnsent = (detail: string) => {
    if (held.size > 0) drop([...held.values()], 'unsent', detail)
  }
  const removeHooks = installExitHooks({ close: (o) => close(o), closing: () => closing !== undefined, reportUnsent }, options.flushOnExit)

  const enqueue = (event: WireEvent): string => {
    if (!closing) held.set(event.id, event)
    core.enqueue(event) // after close(): dropped as 'closed'
    return event.id
  }

  function close(opts: { timeout?: number } = {}): Promise<CloseResult> {
    return (closing ??= (async () => {
      const timeout = opts.timeout ?? NODE_DEFAULTS.closeTimeout
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          abort.abort(new Error('close() timed out')) // requests and token fetches in flight give up…
          setTimeout(resolve, 50) // …and the core gets a moment to settle before we report
        }, timeout)
      })
      try {
        await Promise.race([core.close({ timeout }), deadline])
      } finally {
        clearTimeout(timer)
        removeHooks()
      }
      const unsent = held.size
      reportUnsent(`close() timed out after ${timeout} ms`)
      return { delivered: unsent === 0, unsent }
    })())
  }

  return {
    track: (name, props, context) => enqueue(buildEvent('track', name, props, context)),
    page: (url, context = {}) => {
      const { props, ...ctx } = context
      return enqueue(buildEvent('pageview', 'pageview', props, { ...ctx, url }))
    },
    identify: (userId, traits, context = {}) => enqueue(buildEvent('identify', 'identify', traits, { ...context, userId })),
    order: (order) => enqueue(buildOrderEvent(order)),
    async flush(opts = {}) {
      await core.flush()
      if (opts.timeout !== undefined) {
        // The core waits out its backoff before retrying; poll until it delivered or time is up.
        const until = Date.now() + opts.timeout
        while (core.stats().queued > 0 && !closing && Date.now() < until) {
          await new Promise((r) => setTimeout(r, Math.min(50, until - Date.now())))
          await core.flush()
        }
      }
      return { pending: core.stats().queued }
    },
    close,
    stats() {
      const s = core.stats()
      return { queued: s.queued, sent: s.sent, dropped: s.dropped + droppedBy.unsent, overflowed: droppedBy.overflow, droppedBy: { ...droppedBy } }
    },
  }
}

/** `promise`, or a rejection as soon as `signal` fires (so `close()` never waits on something hung). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** A token callback that gives up when `signal` fires. */
function abortable(getToken: () => Promise<IssuedToken>, signal: AbortSignal): () => Promise<IssuedToken> {
  return () => untilAborted(getToken(), signal)
}
