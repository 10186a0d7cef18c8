import { describe, expect, it } from 'vitest'
import { batchApp, fixtureToken, pageviewBody } from './batch-app.fixture.js'

// A public browser token used from curl must not make trusted server events: its events
// always get the bot check and geo. Only a token with the `server` scope may skip them.
const CURL = 'curl/8.5.0'
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
const geo = () => ({ country: 'FR', region: '' })

async function sendOne(scope: string, headers: Record<string, string>, envelope: Record<string, unknown> = {}) {
  const { app, rows } = await batchApp({ geo })
  const res = await app.request('/v1/batch', {
    method: 'POST',
    headers: { authorization: `Bearer ${await fixtureToken(scope)}`, ...headers },
    body: pageviewBody(envelope),
  })
  expect(res.status).toBe(202)
  expect(rows).toHaveLength(1)
  return rows[0]!
}

describe('source is bound to the token', () => {
  it('a browser token without an Origin (curl) sends browser events: a bot UA is flagged, geo applied', async () => {
    const row = await sendOne('ingest', { 'user-agent': CURL })
    expect(row).toMatchObject({ source: 'browser', is_bot: 1, device_type: 'bot', country: 'FR' })
  })

  it('a browser token claiming "source":"server" is downgraded to browser, not trusted', async () => {
    const row = await sendOne('ingest', { 'user-agent': CURL }, { source: 'server' })
    expect(row).toMatchObject({ source: 'browser', is_bot: 1, country: 'FR' })
    const fromPage = await sendOne('ingest', { 'user-agent': BROWSER, origin: 'https://shop.example' }, { source: 'server' })
    expect(fromPage).toMatchObject({ source: 'browser', is_bot: 0, browser: 'Chrome', country: 'FR' })
  })

  it('a browser token may still say "app"; an app is enriched like a browser', async () => {
    const row = await sendOne('ingest', { 'user-agent': CURL }, { source: 'app' })
    expect(row).toMatchObject({ source: 'app', is_bot: 1, country: 'FR' })
  })

  it('a server-scoped token sends server events: no bot check, no geo', async () => {
    expect(await sendOne('ingest server', { 'user-agent': CURL })).toMatchObject({ source: 'server', is_bot: 0, country: '', browser: '' })
    expect(await sendOne('server ingest', { 'user-agent': CURL }, { source: 'server' })).toMatchObject({ source: 'server', is_bot: 0 })
    // With an Origin and no claim, even a server token's batch is taken as a browser's.
    expect(await sendOne('ingest server', { 'user-agent': BROWSER, origin: 'https://shop.example' })).toMatchObject({ source: 'browser', country: 'FR' })
  })
})
