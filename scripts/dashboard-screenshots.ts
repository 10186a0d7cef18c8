// Screenshots of the analytics page (light and dark) and the big screen at 1920×1080,
// over generated traffic and orders, into docs/screenshots/. Run:
//   node --import tsx scripts/dashboard-screenshots.ts
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DASHBOARD_TOKEN, startCollector } from '../test/support/collector-process.js'
import { sendOrders, sendTraffic } from '../test/support/dashboard-traffic.js'
import { launch } from '../test/browser/support.js'

const OUT = join(fileURLToPath(import.meta.url), '..', '..', 'docs', 'screenshots')
const c = await startCollector({ env: { TALLY_TRUST_PROXY: 'true' } })
const browser = await launch()
try {
  await sendTraffic(c, 150, 8, 3)
  await sendOrders(c, 60, 3)
  await c.waitForDrain()
  await c.waitFor<{ n: string }>("SELECT sum(orders) AS n FROM tally.revenue_daily WHERE site_id = 'test'", (r) => Number(r[0]?.n) === 60, 30_000)
  for (const theme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-US', colorScheme: theme as 'light' | 'dark' })
    await page.goto(`${c.url}/dashboard#token=${DASHBOARD_TOKEN}`)
    await page.waitForSelector('#panel-pages tbody tr')
    await page.screenshot({ path: join(OUT, `dashboard-${theme}.png`) })
    await page.close()
  }
  const screen = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' })
  await screen.goto(`${c.url}/dashboard/screen#token=${DASHBOARD_TOKEN}`)
  await screen.waitForSelector('#provinces li')
  await screen.screenshot({ path: join(OUT, 'screen.png') })
  console.log(`screenshots in ${OUT}`)
} finally {
  await browser.close()
  await c.cleanup()
}
