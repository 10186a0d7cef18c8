/** Structured logs: one JSON line per entry on stderr. Quiet in tests unless TALLY_LOG is set. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export function createLogger(enabled = true): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    if (!enabled) return
    process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, message, ...fields }) + '\n')
  }
  return { info: write('info'), warn: write('warn'), error: write('error') }
}
