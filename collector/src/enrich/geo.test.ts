import { describe, expect, it, vi } from 'vitest'
import { createGeoLookup, isPrivateIp } from './geo.js'

describe('createGeoLookup', () => {
  const geo = createGeoLookup({ enabled: true })

  it('finds the country of public IPv4 and IPv6 addresses', () => {
    expect(geo('81.2.69.160')).toEqual({ country: 'GB', region: '' })
    expect(geo('8.8.8.8').country).toBe('US')
    expect(geo('2001:4860:4860::8888').country).toMatch(/^[A-Z]{2}$/)
  })

  it('reads IPv4-mapped IPv6 addresses as IPv4', () => {
    expect(geo('::ffff:81.2.69.160').country).toBe('GB')
  })

  it('gives empty values for loopback, private and garbage addresses', () => {
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', '192.168.0.10', '172.20.0.5', '::ffff:127.0.0.1', 'fe80::1%eth0', 'fd00::1', '', 'not-an-ip']) {
      expect(geo(ip), ip).toEqual({ country: '', region: '' })
    }
  })

  it('region is empty with the country database (the city one fills it: test/collector/regions.test.ts)', () => {
    expect(geo('8.8.8.8').region).toBe('')
  })

  it('when disabled, reads nothing and returns empty values', () => {
    const log = vi.fn()
    const off = createGeoLookup({ enabled: false, path: '/nonexistent.mmdb', log })
    expect(off('81.2.69.160')).toEqual({ country: '', region: '' })
    expect(log).not.toHaveBeenCalled()
  })

  it('a missing database logs once and returns empty values', () => {
    const log = vi.fn()
    const missing = createGeoLookup({ enabled: true, path: '/nonexistent/dbip-country.mmdb', log })
    expect(missing('81.2.69.160')).toEqual({ country: '', region: '' })
    expect(missing('8.8.8.8')).toEqual({ country: '', region: '' })
    expect(log).toHaveBeenCalledTimes(1)
  })
})

describe('isPrivateIp', () => {
  it('knows private ranges from public ones', () => {
    expect(isPrivateIp('172.16.0.1')).toBe(true)
    expect(isPrivateIp('172.32.0.1')).toBe(false)
    expect(isPrivateIp('100.64.0.1')).toBe(true)
    expect(isPrivateIp('100.128.0.1')).toBe(false)
    expect(isPrivateIp('8.8.8.8')).toBe(false)
  })
})
