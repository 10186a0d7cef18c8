import { expect, it } from 'vitest'
import { checkTimeZone, parseViewParams } from './params.js'

// Intl accepts a zone in any case and ClickHouse does not: a view names the zone one way,
// so two spellings are one view (and one cached answer), and the engine knows the name.
it('names a time zone the one way, whatever its case', () => {
  expect(checkTimeZone('asia/SHANGHAI')).toBe('Asia/Shanghai')
  expect(checkTimeZone('utc')).toBe('UTC')
  expect(parseViewParams(new URLSearchParams('tz=eUROPE/bERLIN'), 'demo', 'UTC').tz).toBe('Europe/Berlin')
  expect(checkTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata')
  expect(() => checkTimeZone('Mars/Olympus')).toThrow(/unknown time zone/)
})
