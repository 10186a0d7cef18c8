/** A token and when it expires (ms since the epoch, an ISO date, or a `Date`; seconds are recognised too). */
export interface IssuedToken {
  token: string
  expiresAt: number | string | Date
}

/**
 * Where tokens come from: a fixed token, or a function that fetches a fresh one
 * (from your backend's token endpoint, or sdk-node's issuer).
 */
export type TokenSource = string | (() => Promise<IssuedToken>)

/** Caches the token of a {@link TokenSource}. */
export interface TokenProvider {
  /** A token that is not about to expire (fetched if needed; concurrent callers share one fetch). Rejects when none can be had. */
  get(): Promise<string | undefined>
  /** Forget the cached token (after a 401), so the next `get` fetches a new one. */
  invalidate(): void
}

/** Reads `expiresAt` as ms since the epoch; numbers below 1e11 are taken as seconds. */
export function expiryMs(at: IssuedToken['expiresAt']): number {
  const n = +new Date(at)
  return n < 1e11 ? n * 1000 : n
}

/**
 * A token cache: a fetched token is reused until `refreshBeforeMs` before it expires
 * (or half-way through its life, if that is sooner).
 *
 * @param refreshBeforeMs default `30000`
 */
export function tokenProvider(source: TokenSource | undefined, refreshBeforeMs = 30000): TokenProvider {
  let token: string | undefined
  let refreshAt = 0
  let pending: Promise<void> | undefined
  return {
    async get() {
      if (typeof source != 'function') return source
      if (!token || Date.now() >= refreshAt)
        await (pending ||= source()
          .then((t) => {
            const now = Date.now()
            const life = expiryMs(t.expiresAt) - now
            token = t.token
            refreshAt = now + life - Math.min(refreshBeforeMs, life / 2)
          })
          .finally(() => (pending = undefined)))
      return token
    },
    invalidate() {
      token = undefined
    },
  }
}
