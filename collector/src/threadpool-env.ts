/**
 * The environment the collector process is started with (scripts/start.ts). Node runs
 * every chDB call and every file operation of the spool on libuv's thread pool, four
 * threads unless UV_THREADPOOL_SIZE says otherwise, read once when the pool starts (too
 * early to set from the collector's own code). The dashboard's read sessions
 * (storage/read-pool.ts), the writer, analysts' SQL and the spool's fsyncs can want more
 * than four at once: with four, four chDB calls in flight held a spool write (and so an
 * ack) until one ended, 970 ms behind four 1 s reads here; with sixteen it took 2 ms.
 * A value already in the environment is kept.
 */
export function collectorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { UV_THREADPOOL_SIZE: String(THREADS), ...env }
}

const THREADS = 16
/** Threads beside the read sessions: the writer, an analyst's query, the compactor, the spool's file writes. */
const BESIDE_READS = 4

/** Why the embedded collector's thread pool is too small for `readSessions`, or undefined. */
export function threadPoolShortfall(env: NodeJS.ProcessEnv, readSessions: number): string | undefined {
  const threads = Number(env.UV_THREADPOOL_SIZE || 4)
  if (threads >= readSessions + BESIDE_READS) return undefined
  return `UV_THREADPOOL_SIZE is ${env.UV_THREADPOOL_SIZE || 'unset (4)'}: ${readSessions} read sessions and the writer's calls can hold the spool's writes, and so acks; start with UV_THREADPOOL_SIZE=${Math.max(THREADS, readSessions + BESIDE_READS)} (npm start does)`
}
