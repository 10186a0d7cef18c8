/** Exponential backoff with full jitter: 100 ms, 200 ms, … up to `maxMs`. */
export function writerBackoffMs(attempt: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, 100 * 2 ** Math.min(attempt, 20))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
