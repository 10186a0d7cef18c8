import { describe, expect, it } from 'vitest'
import { decodePayload, encodePayload } from '../spool/payload.js'
import type { OrderVersionRow } from './order-version.js'

describe('order versions in spool payloads', () => {
  it('travel as an optional list; payloads written before orders still read', () => {
    const before = Buffer.from(JSON.stringify({ v: 1, e: [], r: [] })) // as the previous collector wrote it
    expect(decodePayload(before)).toEqual({ events: [], rejected: [], orders: [] })
    const row = { site_id: 'demo', order_id: 'o-1', version: 3 } as OrderVersionRow
    expect(decodePayload(encodePayload({ events: [], rejected: [], orders: [row] })).orders).toEqual([row])
    expect(JSON.parse(encodePayload({ events: [], rejected: [] }).toString())).toEqual({ v: 2, e: [], r: [] }) // no `o` without orders
  })
})
