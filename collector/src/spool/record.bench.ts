/**
 * Micro-benchmark of the spool's record framing: µs per record to encode, and to decode a
 * segment of records, for a one-event and a 50-event payload. Best of 15 trials (the
 * machine is shared); printed, not asserted.
 *
 *   node --import tsx collector/src/spool/record.bench.ts
 */
import { SEGMENT_HEADER, decodeRecords, encodeRecord } from './record.js'

function payload(events: number): Buffer {
  const event = ['018f2a6e-0000-7000-8000-000000000001', 'demo', 'pageview', 'https://shop.example/products?id=7', 'Products', 'Chrome', '125.0', 'Windows', { sku: 'A-7' }]
  return Buffer.from(JSON.stringify({ v: 1, e: Array.from({ length: events }, () => event), r: [] }))
}

function bestOf(trials: number, run: () => void): number {
  let best = Infinity
  for (let t = 0; t < trials; t++) {
    const started = performance.now()
    run()
    best = Math.min(best, performance.now() - started)
  }
  return best
}

function measure(label: string, body: Buffer, records: number): void {
  let sink = 0
  const encodeMs = bestOf(15, () => {
    for (let i = 0; i < records; i++) sink += encodeRecord(body).length
  })
  const segment = Buffer.concat([SEGMENT_HEADER, ...Array.from({ length: records }, () => encodeRecord(body))])
  const decodeMs = bestOf(15, () => {
    if (decodeRecords(segment).payloads.length !== records) throw new Error('lost records')
  })
  const us = (ms: number) => ((ms * 1000) / records).toFixed(2)
  console.log(`${label.padEnd(22)} ${String(body.length).padStart(5)} B payload  encode ${us(encodeMs)} µs  decode ${us(decodeMs)} µs per record  (${segment.length} B for ${records}; ${sink > 0 ? 'ok' : ''})`)
}

measure('one event per record', payload(1), 20_000)
measure('50 events per record', payload(50), 2_000)
