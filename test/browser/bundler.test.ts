import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { duplicates, launch, startPageServer, waitEvents, watchErrors, type PageServer } from './support.js'

let c: CollectorProcess
let site: PageServer
let browser: Browser

beforeAll(async () => {
  ;[c, browser] = await Promise.all([startCollector(), launch()])
  site = await startPageServer(c)
})
afterAll(async () => {
  await browser?.close()
  await site?.close()
  await c?.cleanup()
})

describe('the npm build in a bundled page', () => {
  it('works the same as the script tag', async () => {
    // esbuild resolves `@tally/sdk-browser` through the package's `exports` (dist/index.mjs).
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./fixtures/npm-app.ts', import.meta.url))],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      write: false,
    })
    const js = out.outputFiles[0]!.contents
    console.log(`bundled page with the npm build: ${js.length} B minified, ${gzipSync(js, { level: 9 }).length} B gzip`)
    site.file('/app.js', Buffer.from(js), 'application/javascript')
    site.page(
      '/shop',
      `<!doctype html><title>Shop</title><script>window.TALLY = { endpoint: ${JSON.stringify(c.url)} }</script>
       <button id="buy">Buy</button><button id="tagged" data-tally-event="wishlist" data-tally-prop-sku="B2">♡</button>
       <a id="out" href="${site.origin('partner')}/">partner</a>
       <script type="module" src="/app.js"></script>`,
    )
    site.page('/', '<!doctype html><p>partner</p>')
    const page = await browser.newPage()
    const errors = watchErrors(page)
    const origin = site.origin('bundled')
    await page.goto(origin + '/shop')
    await page.waitForFunction(() => 'tally' in window)
    await page.evaluate(() => history.pushState({}, '', '/shop/cart'))
    await page.click('#buy')
    await page.click('#tagged')
    await page.click('#out')
    await page.waitForURL(/partner/)
    const rows = await waitEvents(c, 'bundled.test', 5)
    expect(errors).toEqual([])
    expect(duplicates(rows)).toEqual([])
    expect(rows.filter((r) => r.name !== 'engagement').map((r) => [r.type, r.name, r.path, r.referrer, r.props])).toEqual([
      ['pageview', 'pageview', '/shop', '', {}],
      ['pageview', 'pageview', '/shop/cart', origin + '/shop', {}],
      ['track', 'buy', '/shop/cart', '', { sku: 'A1', qty: '2' }],
      ['track', 'wishlist', '/shop/cart', '', { sku: 'B2' }],
      ['track', 'outbound', '/shop/cart', '', { url: site.origin('partner') + '/' }],
    ])
    for (const r of rows) expect([r.browser, r.os]).toEqual(['Chrome Headless', 'Linux'])
    await page.close()
  })
})
