import { describe, expect, it } from 'vitest'
import { EVENT_COLUMNS, type EventRow } from '../storage/rows.js'
import { decodePayload, encodePayload, SpoolFormatError } from './payload.js'

const row: EventRow = {
  id: '00000000-0000-4000-8000-000000000001', site_id: 'shop', type: 'pageview', name: 'pageview', ts: 1, received_at: 2,
  visitor_id: 'v', session_id: 's', user_id: '', url: 'https://shop.example/', hostname: 'shop.example', path: '/',
  referrer: '', referrer_host: '', channel: 'direct', utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '',
  utm_content: '', title: '', screen: '', locale: '', timezone: '', browser: '', browser_version: '', os: '', os_version: '',
  device_type: 'bot', country: '', region: '', is_bot: 1, source: 'browser', props: {}, bot: 'googlebot',
}
const at = (column: (typeof EVENT_COLUMNS)[number]) => EVENT_COLUMNS.indexOf(column)

describe('spool payload', () => {
  it('round-trips every column, the bot family included', () => {
    const { events } = decodePayload(encodePayload({ events: [row], rejected: [] }))
    expect(events[0]).toHaveLength(EVENT_COLUMNS.length)
    expect(events[0]![at('bot')]).toBe('googlebot')
    expect(events[0]![at('site_id')]).toBe('shop')
  })

  it('reads a version 1 record (written before the bot column) with bot = ""', () => {
    const v1Tuple = EVENT_COLUMNS.filter((c) => c !== 'bot').map((c) => row[c])
    const v1 = Buffer.from(JSON.stringify({ v: 1, e: [v1Tuple], r: [] }))
    const { events } = decodePayload(v1)
    expect(events[0]).toHaveLength(EVENT_COLUMNS.length)
    expect(events[0]![at('bot')]).toBe('')
    expect(events[0]![at('is_bot')]).toBe(1)
    expect(events[0]![at('props')]).toEqual({})
  })

  it('refuses a format it does not know', () => {
    expect(() => decodePayload(Buffer.from('{"v":9,"e":[],"r":[]}'))).toThrow(SpoolFormatError)
  })
})
