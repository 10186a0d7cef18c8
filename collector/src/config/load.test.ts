import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './load.js'

const file = (content: object) => {
  const path = join(mkdtempSync(join(tmpdir(), 'tally-config-')), 'tally.json')
  writeFileSync(path, JSON.stringify(content))
  return path
}
const valid = { sites: [{ id: 'shop', origins: ['https://shop.example'] }], keys: [{ kid: 'k1', alg: 'HS256', secret: 's'.repeat(32) }] }

describe('loadConfig', () => {
  it('merges the file and the environment, the environment winning, with defaults', () => {
    const { config } = loadConfig({ TALLY_CONFIG: file({ ...valid, port: 9000 }), PORT: '9100', CLICKHOUSE_DATABASE: 'analytics', TALLY_GEO: 'false' })
    expect(config.port).toBe(9100)
    expect(config.clickhouse.database).toBe('analytics')
    expect(config.geo).toBe(false)
    expect(config.token.maxLifetimeSeconds).toBe(3600)
    expect(config.sites[0]!.cookieless).toBe(false)
  })

  it('reads the geo database choice and the site hosts', () => {
    const { config } = loadConfig({ TALLY_CONFIG: file({ ...valid, sites: [{ id: 'shop', hosts: ['shop.example', 'cdn.shop.example'] }] }), TALLY_GEO: 'city', TALLY_GEO_CITY_DIR: '/srv/dbip-city' })
    expect(config.geo).toBe('city')
    expect(config.geoCityDir).toBe('/srv/dbip-city')
    expect(config.sites[0]!.hosts).toEqual(['shop.example', 'cdn.shop.example'])
    expect(() => loadConfig({ TALLY_CONFIG: file(valid), TALLY_GEO: 'province' })).toThrow(/TALLY_GEO: /)
    expect(() => loadConfig({ TALLY_CONFIG: file({ ...valid, sites: [{ id: 'shop', hosts: ['https://shop.example/'] }] }) })).toThrow(/sites\.0\.hosts\.0.*host name/)
  })

  it('names the environment variable of a bad setting', () => {
    expect(() => loadConfig({ TALLY_CONFIG: file(valid), PORT: 'eighty' })).toThrow(/PORT: /)
    expect(() => loadConfig({ TALLY_CONFIG: file(valid), CLICKHOUSE_URL: 'not a url' })).toThrow(/CLICKHOUSE_URL: /)
  })

  it('names the file setting of a bad value', () => {
    const path = file({ ...valid, keys: [{ kid: 'k1', alg: 'HS256', secret: 'short' }] })
    expect(() => loadConfig({ TALLY_CONFIG: path })).toThrow(ConfigError)
    expect(() => loadConfig({ TALLY_CONFIG: path })).toThrow(/keys\.0/)
    expect(() => loadConfig({ TALLY_CONFIG: file({ ...valid, sites: [] }) })).toThrow(/sites.*at least one site/)
  })

  it('the drain deadline: 30 s by default, set by TALLY_DRAIN_TIMEOUT_MS or shutdown.drainTimeoutMs', () => {
    expect(loadConfig({ TALLY_CONFIG: file(valid) }).config.shutdown.drainTimeoutMs).toBe(30_000)
    expect(loadConfig({ TALLY_CONFIG: file({ ...valid, shutdown: { drainTimeoutMs: 5000 } }) }).config.shutdown.drainTimeoutMs).toBe(5000)
    expect(loadConfig({ TALLY_CONFIG: file(valid), TALLY_DRAIN_TIMEOUT_MS: '1500' }).config.shutdown.drainTimeoutMs).toBe(1500)
    expect(() => loadConfig({ TALLY_CONFIG: file(valid), TALLY_DRAIN_TIMEOUT_MS: '-1' })).toThrow(/TALLY_DRAIN_TIMEOUT_MS: /)
  })

  it('reports an unreadable config file', () => {
    expect(() => loadConfig({ TALLY_CONFIG: '/nonexistent/tally.json' })).toThrow(/TALLY_CONFIG: cannot read/)
  })
})
