/**
 * Micro-benchmark of the spool's record framing: µs per record to encode and to decode
 * a segment of records, for a one-event payload and a 50-event payload. Printed, not asserted.
 *
 *   node --import tsx collector/src/spool/record.bench.ts
 */
import { decodeRecords, encodeRecord } from './record.js'

function payload(events: number): Buffer {
  const event = { id: '018f2a6e-0000-7000-8000-000000000001', site_id: 'demo', type: 'pageview', url: 'https://shop.example/products?id=7', title: 'Products', ua: 'Chrome 125 Windows 10 desktop', props: { sku: 'A-7' } }
  return Buffer.from(JSON.stringify({ v: 1, e: Array.from({ length: events }, () => Object.values(event)), r: [] }))
}

function measure(label: string, body: Buffer, records: number): void {
  for (let i = 0; i < 1000; i++) encodeRecord(body) // warm up
  let started = performance.now()
  const encoded: Buffer[] = []
  for (let i = 0; i < records; i++) encoded.push(encodeRecord(body))
  const encodeUs = ((performance.now() - started) * 1000) / records
  const segment = Buffer.concat(encoded)
  decodeRecords(segment)
  started = performance.now()
  const rounds = 5
  for (let i = 0; i < rounds; i++) if (decodeRecords(segment).payloads.length !== records) throw new Error('lost records')
  const decodeUs = ((performance.now() - started) * 1000) / (records * rounds)
  console.log(`${label.padEnd(26)} ${String(body.length).padStart(6)} B  encode ${encodeUs.toFixed(2)} µs/record  decode ${decodeUs.toFixed(2)} µs/record  (${segment.length} B segment)`)
}

measure('one event per record', payload(1), 20_000)
measure('50 events per record', payload(50), 2_000)
