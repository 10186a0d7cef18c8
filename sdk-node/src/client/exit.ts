import type { ExitSignal, FlushOnExitOptions } from './options.js'

interface Closable {
  close(options: { timeout: number }): Promise<unknown>
  /** True once close() was called. */
  closing(): boolean
  /** Events still held; reported synchronously as `unsent` when the process exits. */
  reportUnsent(detail: string): void
}

type ProcessLike = {
  on(event: string, listener: (...args: any[]) => void): unknown
  once(event: string, listener: (...args: any[]) => void): unknown
  off(event: string, listener: (...args: any[]) => void): unknown
  listenerCount(event: string): number
  kill(pid: number, signal: string): unknown
  pid: number
}

/** `process` where there is one with listeners (Node, Bun, Deno's Node compat); undefined on edge runtimes. */
function nodeProcess(): ProcessLike | undefined {
  const p = (globalThis as { process?: Partial<ProcessLike> }).process
  return p && typeof p.on === 'function' && typeof p.off === 'function' ? (p as ProcessLike) : undefined
}

/**
 * Hooks the process: always an `exit` listener that reports events still queued (so a
 * loss at exit is never silent); with `flushOnExit`, a `beforeExit` flush and signal
 * handlers. Returns the function that removes every hook.
 */
export function installExitHooks(client: Closable, flushOnExit: boolean | FlushOnExitOptions | undefined): () => void {
  const proc = nodeProcess()
  if (!proc) return () => {}
  const removers: (() => void)[] = []
  const listen = (event: string, fn: (...args: any[]) => void, once = false) => {
    if (once) proc.once(event, fn)
    else proc.on(event, fn)
    removers.push(() => proc.off(event, fn))
  }

  listen('exit', () => client.reportUnsent('the process exited with events still queued'))

  if (flushOnExit) {
    const opts: FlushOnExitOptions = flushOnExit === true ? {} : flushOnExit
    const timeout = opts.timeout ?? 5000
    // The event loop is empty (the core's timers do not hold it): deliver, then let it end.
    listen('beforeExit', () => {
      if (!client.closing()) void client.close({ timeout })
    })
    for (const signal of opts.signals ?? (['SIGTERM', 'SIGINT'] as ExitSignal[])) {
      listen(
        signal,
        () => {
          void client.close({ timeout }).finally(() => {
            // Nobody else handles the signal: re-raise it for its default effect (exit with 128+n).
            if (proc.listenerCount(signal) === 0) proc.kill(proc.pid, signal)
          })
        },
        true,
      )
    }
  }
  return () => {
    for (const remove of removers.splice(0)) remove()
  }
}
