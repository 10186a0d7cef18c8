/**
 * A loop's pause that something else can end early: the writer waits between rounds and
 * is woken by shutdown; the order applier waits between polls and is woken by the writer.
 */
export class WakeablePause {
  private wakeUp: (() => void) | undefined

  /** Resolves after `ms`, or at the next {@link wake}, whichever comes first. */
  for(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        if (this.wakeUp === done) this.wakeUp = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wakeUp = done
    })
  }

  /** Ends the pause in progress, if any. */
  wake(): void {
    this.wakeUp?.()
  }
}
