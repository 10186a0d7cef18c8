import type { SqlEngine, SqlLimits, SqlRun } from './engine.js'
import { SQL_FORMATS, capBytes, wrapRows, type SqlFormat } from './formats.js'
import { inspectStatement } from './inspect-statement.js'
import { SqlError, sqlErrorFrom } from './sql-error.js'

export interface AnalystQuery {
  query: string
  params: Record<string, unknown>
  format: SqlFormat
}

export interface AnalystAnswer {
  contentType: string
  /** The result as the engine produces it; an error after the first bytes cuts the stream. */
  body: ReadableStream<Uint8Array>
}

/** Past the engine's own max_execution_time, the collector stops waiting (server mode relies on it). */
const DEADLINE_GRACE_MS = 2_000
const CANCEL_WAIT_MS = 5_000

/**
 * Analysts' SQL (`/v1/sql`): one read statement, inspected by the engine's parser, run
 * under limits, streamed in the caller's format. Every statement in flight is tracked,
 * so `cancelAll` (at shutdown) stops them engine-side instead of waiting them out.
 */
export class AnalystSql {
  private readonly inFlight = new Map<AbortController, Promise<void>>()
  private closing = false

  constructor(
    private readonly engine: SqlEngine,
    private readonly limits: SqlLimits,
  ) {}

  /** Resolves once the engine has produced the first bytes (or the whole, empty answer). */
  async query({ query, params, format }: AnalystQuery): Promise<AnalystAnswer> {
    if (this.closing) throw new SqlError('ERR_SHUTTING_DOWN', 'the collector is shutting down')
    const abort = new AbortController()
    const deadline = setTimeout(
      () => abort.abort(new SqlError('ERR_QUERY_LIMIT', `the query ran past ${this.limits.maxExecutionSeconds} s (sql.maxExecutionSeconds)`)),
      this.limits.maxExecutionSeconds * 1000 + DEADLINE_GRACE_MS,
    )
    let finish!: () => void
    this.inFlight.set(abort, new Promise<void>((done) => (finish = done)))
    let run: SqlRun | undefined
    const release = async () => {
      clearTimeout(deadline)
      await run?.close().catch(() => undefined)
      this.inFlight.delete(abort)
      finish()
    }
    const failure = (err: unknown) => (abort.signal.aborted && abort.signal.reason instanceof SqlError ? abort.signal.reason : sqlErrorFrom(err))
    try {
      run = await this.engine.open(abort.signal)
      const statement = await inspectStatement(run, query, params)
      const spec = SQL_FORMATS[format]
      let chunks = run.stream(statement.hasFormat ? statement.canonical : `${statement.canonical} FORMAT ${spec.engine}`, params)
      if (spec.wrapRows && !statement.hasFormat) chunks = wrapRows(chunks)
      const body = await startStream(capBytes(chunks, this.limits.maxResultBytes), { failure, release, cancel: () => abort.abort(new SqlError('ERR_QUERY', 'the client went away')) })
      // A FORMAT clause of the caller's own: the engine's output as it is.
      return { contentType: statement.hasFormat ? 'text/plain; charset=utf-8' : spec.contentType, body }
    } catch (err) {
      await release()
      throw failure(err)
    }
  }

  /** Stops every statement in flight (their callers get an error) and refuses new ones. */
  async cancelAll(): Promise<void> {
    this.closing = true
    for (const abort of this.inFlight.keys()) abort.abort(new SqlError('ERR_SHUTTING_DOWN', 'the collector is shutting down'))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(this.inFlight.values()), new Promise((done) => (timer = setTimeout(done, CANCEL_WAIT_MS)))])
    clearTimeout(timer)
  }
}

interface StreamHooks {
  failure(err: unknown): SqlError
  /** Called once, when the stream ends, fails or is cancelled. */
  release(): Promise<void>
  /** The reader went away. */
  cancel(): void
}

/** Pulls the first chunk before answering, so errors before any output are thrown here (a 4xx), not mid-body. */
async function startStream(chunks: AsyncIterable<Uint8Array>, hooks: StreamHooks): Promise<ReadableStream<Uint8Array>> {
  const it = chunks[Symbol.asyncIterator]()
  let first: IteratorResult<Uint8Array> | undefined = await it.next()
  let released = false
  const release = async () => {
    if (released) return
    released = true
    await hooks.release()
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = first ?? (await it.next())
        first = undefined
        if (next.done) {
          controller.close()
          await release()
        } else controller.enqueue(next.value)
      } catch (err) {
        controller.error(hooks.failure(err))
        await release()
      }
    },
    async cancel() {
      hooks.cancel()
      await it.return?.()
      await release()
    },
  })
}
