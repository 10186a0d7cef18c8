import { describe, expect, it } from 'vitest'
import { orderEventSchema, type WireOrder } from '../protocol/order.js'
import { toOrderVersion, type OrderVersionRow } from './order-version.js'

const NOW = Date.UTC(2026, 10, 26, 12)
const HOUR = 3_600_000

function version(order: Partial<WireOrder>): OrderVersionRow | { reason: string } {
  const event = orderEventSchema.parse({
    id: crypto.randomUUID(),
    type: 'order',
    ts: NOW,
    order: { id: 'o-1', version: 1, status: 'open', province: 'Zhejiang', cabinet: 'cab-1', started_at: NOW - 2 * HOUR, currency: 'CNY', ...order },
  })
  return toOrderVersion(event, 'demo', NOW)
}
const contribution = (r: OrderVersionRow | { reason: string }) => ('reason' in r ? r.reason : [r.orders, r.revenue, r.refunded])

describe('an order version and what it contributes', () => {
  it('open: one order, no money, whatever else it carries', () => {
    expect(contribution(version({ amount: '99.00', refunded: '5' }))).toEqual([1, '0.0000', '0.0000'])
  })

  it('completed: the amount given, else hours × price per hour, rounded half to even', () => {
    expect(contribution(version({ status: 'completed', amount: '12.5' }))).toEqual([1, '12.5000', '0.0000'])
    // 1.5 h × 3.33 = 4.995 → 5.00
    expect(contribution(version({ status: 'completed', ended_at: NOW - HOUR / 2, price_per_hour: '3.33' }))).toEqual([1, '5.0000', '0.0000'])
    expect(contribution(version({ status: 'completed' }))).toBe('order:amount_missing')
    expect(contribution(version({ status: 'completed', price_per_hour: '3' }))).toBe('order:amount_missing')
  })

  it('refunds: partial, whole by default for status refunded, never more than the amount', () => {
    expect(contribution(version({ status: 'completed', amount: '10', refunded: '2.5' }))).toEqual([1, '7.5000', '2.5000'])
    expect(contribution(version({ status: 'refunded', amount: '10' }))).toEqual([1, '0.0000', '10.0000'])
    expect(contribution(version({ status: 'refunded', amount: '10', refunded: '10.01' }))).toBe('order:refund_exceeds_amount')
  })

  it('cancelled and deleted count nothing', () => {
    expect(contribution(version({ status: 'cancelled', amount: '10' }))).toEqual([0, '0.0000', '0.0000'])
    expect(contribution(version({ status: 'deleted' }))).toEqual([0, '0.0000', '0.0000'])
  })

  it('refuses money finer than the minor unit (price per hour may be finer), and unknown currencies', () => {
    expect(contribution(version({ status: 'completed', amount: '1.005' }))).toBe('order:finer_than_minor_unit')
    expect(contribution(version({ status: 'completed', amount: '1', refunded: '0.001' }))).toBe('order:finer_than_minor_unit')
    expect(contribution(version({ status: 'completed', amount: '1.5', currency: 'JPY' }))).toBe('order:finer_than_minor_unit')
    expect(contribution(version({ status: 'completed', ended_at: NOW, price_per_hour: '0.0001' }))).toEqual([1, '0.0000', '0.0000'])
    expect(contribution(version({ status: 'completed', amount: '1', currency: 'XXX' }))).toBe('order:unknown_currency')
    expect(contribution(version({ status: 'completed', amount: '1e3' }))).toBe('order:money_malformed')
    expect(contribution(version({ price_per_hour: '-1' }))).toBe('order:money_malformed')
  })

  it('refuses a version or a time beyond now + 1 day (a poisoned version would freeze the order)', () => {
    expect(contribution(version({ version: NOW + 24 * HOUR }))).toEqual([1, '0.0000', '0.0000'])
    expect(contribution(version({ version: NOW + 24 * HOUR + 1 }))).toBe('order:version_too_large')
    expect(contribution(version({ status: 'completed', amount: '1', ended_at: NOW - 3 * HOUR }))).toBe('order:ended_at')
    expect(contribution(version({ started_at: NOW + 25 * HOUR }))).toBe('order:started_in_future')
    expect(orderEventSchema.safeParse({ id: crypto.randomUUID(), type: 'order', ts: 1, order: { version: 0 } }).success).toBe(false)
  })

  it('the same content gives the same hash, whichever event carried it', () => {
    const a = version({ status: 'completed', amount: '3', props: { b: 1, a: 'x' } }) as OrderVersionRow
    const b = version({ status: 'completed', amount: '3.00', props: { a: 'x', b: '1' } }) as OrderVersionRow
    const c = version({ status: 'completed', amount: '3.01' }) as OrderVersionRow
    expect(a.event_id).not.toBe(b.event_id)
    expect(a.content_hash).toBe(b.content_hash)
    expect(c.content_hash).not.toBe(a.content_hash)
  })
})
