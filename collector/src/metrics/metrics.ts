/**
 * The collector's Prometheus metrics: plain counters, gauges read on demand, and one
 * latency histogram. No client library: the text format is small and stable.
 */
const INSERT_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

export class Metrics {
  eventsAccepted = 0
  eventsDuplicate = 0
  eventsWritten = 0
  batchesAccepted = 0
  writerErrors = 0
  spoolSkippedBytes = 0
  /** Failed writer rounds since the last one that succeeded (a gauge). */
  writerConsecutiveFailures = 0
  /** Rows of rejected_events the engine refused even when well-formed (should stay 0). */
  rejectedRowsDropped = 0
  readonly quarantinedByReason = new Map<string, number>()
  readonly rejectedByReason = new Map<string, number>()
  readonly requestErrorsByCode = new Map<string, number>()
  private readonly insertBuckets = INSERT_BUCKETS_MS.map(() => 0)
  private insertCount = 0
  private insertSumMs = 0
  /** Gauges read when scraped, e.g. spool depth. */
  private readonly gauges = new Map<string, { help: string; read: () => number }>()

  rejected(reason: string, n = 1): void {
    this.rejectedByReason.set(reason, (this.rejectedByReason.get(reason) ?? 0) + n)
  }

  /** An event the engine refused, isolated and kept in rejected_events (`engine:<ERROR_TYPE>`). */
  quarantined(reason: string, n = 1): void {
    this.quarantinedByReason.set(reason, (this.quarantinedByReason.get(reason) ?? 0) + n)
  }

  requestError(code: string): void {
    this.requestErrorsByCode.set(code, (this.requestErrorsByCode.get(code) ?? 0) + 1)
  }

  insertLatency(ms: number): void {
    this.insertCount++
    this.insertSumMs += ms
    INSERT_BUCKETS_MS.forEach((le, i) => {
      if (ms <= le) this.insertBuckets[i]!++
    })
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read })
  }

  render(): string {
    const out: string[] = []
    const counter = (name: string, help: string, value: number) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`)
    const labelled = (name: string, help: string, label: string, values: Map<string, number>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`)
      for (const [key, value] of values) out.push(`${name}{${label}="${escapeLabel(key)}"} ${value}`)
    }
    counter('tally_events_accepted_total', 'Events acknowledged (durable in the spool).', this.eventsAccepted)
    counter('tally_batches_accepted_total', 'Batches acknowledged with 202.', this.batchesAccepted)
    counter('tally_events_written_total', 'Events inserted into ClickHouse.', this.eventsWritten)
    counter('tally_events_duplicate_total', 'Events dropped by the writer because their id was already stored.', this.eventsDuplicate)
    counter('tally_writer_errors_total', 'Failed writer rounds (each is retried).', this.writerErrors)
    counter('tally_spool_skipped_bytes_total', 'Spool bytes that read as no record (damage, torn tails); each logged.', this.spoolSkippedBytes)
    out.push('# HELP tally_writer_consecutive_failures Failed writer rounds since the last success.', '# TYPE tally_writer_consecutive_failures gauge', `tally_writer_consecutive_failures ${this.writerConsecutiveFailures}`)
    counter('tally_rejected_rows_dropped_total', 'Rows of rejected_events that ClickHouse refused even when well-formed (dropped, logged).', this.rejectedRowsDropped)
    labelled('tally_events_quarantined_total', 'Events ClickHouse refused, isolated into rejected_events, by reason.', 'reason', this.quarantinedByReason)
    labelled('tally_events_rejected_total', 'Events refused by validation, by reason.', 'reason', this.rejectedByReason)
    labelled('tally_request_errors_total', 'Requests answered with an error, by code.', 'code', this.requestErrorsByCode)
    out.push('# HELP tally_insert_duration_ms ClickHouse insert latency.', '# TYPE tally_insert_duration_ms histogram')
    INSERT_BUCKETS_MS.forEach((le, i) => out.push(`tally_insert_duration_ms_bucket{le="${le}"} ${this.insertBuckets[i]}`))
    out.push(`tally_insert_duration_ms_bucket{le="+Inf"} ${this.insertCount}`)
    out.push(`tally_insert_duration_ms_sum ${this.insertSumMs}`, `tally_insert_duration_ms_count ${this.insertCount}`)
    for (const [name, g] of this.gauges) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`)
    return out.join('\n') + '\n'
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
