/**
 * Waits for `work` (if any) for at most `timeoutMs`: 'ended' when it settled in time,
 * 'late' when the time ran out first (it goes on in the background). For shutdowns that
 * must keep their deadline even when ClickHouse hangs.
 */
export async function waitAtMost(work: Promise<unknown> | undefined, timeoutMs: number): Promise<'ended' | 'late'> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)))
  try {
    return await Promise.race([(work ?? Promise.resolve()).then(() => 'ended' as const, () => 'ended' as const), late])
  } finally {
    clearTimeout(timer)
  }
}
