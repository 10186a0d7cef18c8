/** Options of {@link backoff}. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default `1000`. */
  base?: number
  /** Growth per attempt. Default `2`. */
  factor?: number
  /** Longest delay, in ms. Default `60000`. */
  max?: number
  /**
   * Share of the delay that is random, 0–1: the delay is drawn uniformly from
   * `[d × (1 − jitter), d]`, so clients that failed together do not retry together.
   * Default `0.5`.
   */
  jitter?: number
}

/**
 * Delay in ms before retry number `attempt` (1 for the first retry): `base ×
 * factor^(attempt−1)`, capped at `max`, then jittered. Pure apart from `random`.
 *
 * @example
 * backoff(1) // 500–1000
 * backoff(3) // 2000–4000
 * backoff(10, { max: 30_000, jitter: 0 }) // 30000
 */
export function backoff(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { base = 1000, factor = 2, max = 60000, jitter = 0.5 } = options
  const d = Math.min(max, base * factor ** Math.max(0, attempt - 1))
  return Math.round(d * (1 - jitter * random()))
}
