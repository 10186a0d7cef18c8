import { describe, expect, it } from 'vitest'
import { clientIp } from './client-ip.js'

describe('clientIp', () => {
  const remote = () => '10.0.0.7'

  it('uses the connection’s address unless told to trust a proxy', () => {
    expect(clientIp('203.0.113.9', remote, false)).toBe('10.0.0.7')
  })

  it('behind a trusted proxy, takes the entry the proxy appended, not what the client wrote', () => {
    expect(clientIp('1.2.3.4, 198.51.100.20', remote, true)).toBe('198.51.100.20')
    expect(clientIp(' 198.51.100.20 ', remote, true)).toBe('198.51.100.20')
    expect(clientIp(undefined, remote, true)).toBe('10.0.0.7')
  })
})
