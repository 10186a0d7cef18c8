import type { Context, Hono } from 'hono'
import type { Storage } from '../storage/client.js'
import type { SiteConfig } from '../config/schema.js'
import { RequestError, errorResponse } from '../http/errors.js'
import { siteHostSet } from '../enrich/referrer.js'
import { DashboardAssets } from './assets.js'
import { allowedSite, dashboardAccess, type ShareLookup } from './access.js'
import { parseViewParams, queryParams, todayIn } from './params.js'
import { analyticsPanels, runPanels, scansEveryEvent, type PanelRows } from './panels.js'
import { rangeShape } from './queries/range-shape.js'
import { screenPanels } from './screen-panels.js'
import { PolledFeeds } from './polled-feeds.js'
import { streamFeed } from './feed-stream.js'
import { dataVersion } from './queries/data-version.js'
import { AnswerCache } from './answer-cache.js'
import { SettledReadings } from './settled-readings.js'

export interface DashboardDeps {
  storage: Storage
  /** The dashboard token and the admin token: every site. */
  tokens: string[]
  sites: ReadonlyMap<string, SiteConfig>
  /** Share links: one site each, revocable. */
  shares?: ShareLookup
  feeds?: PolledFeeds
  changeFeeds?: PolledFeeds
  /** The analytics page's answers by view and data version (answer-cache.ts). */
  answers?: AnswerCache<KeptPanels>
  /** The big screens' readings (settled-readings.ts). */
  screens?: SettledReadings<Record<string, unknown>>
}

/** Panels kept for a view at a data version, and when they were read. */
export interface KeptPanels extends PanelRows {
  generated_at: string
}

/**
 * How often a watched site's data version is read: one cheap query (see data-version.ts),
 * so more often than the screen's full reading (500 ms), as the page still has to fetch
 * its view after it within the 2 s from an ack.
 */
const CHANGES_POLL_MS = 250

const PAGE_HEADERS = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Referrer-Policy': 'no-referrer' }

/**
 * The analytics page (`/dashboard`), the big screen (`/dashboard/screen`), their bundles,
 * and their data: `GET /v1/dashboard` (every panel of a view), `GET /v1/dashboard/screen`
 * (today's screen), `GET /v1/dashboard/stream` (the screen as server-sent events) and
 * `GET /v1/dashboard/changes` (the site's data version as server-sent events: the
 * analytics page refetches its view when it moves).
 */
export function mountDashboard(app: Hono, deps: DashboardDeps): void {
  const siteIds = [...deps.sites.keys()]
  const access = dashboardAccess(deps.tokens, deps.shares ?? (async () => undefined))
  const assets = new DashboardAssets()
  const feeds = deps.feeds ?? new PolledFeeds()
  const changeFeeds = deps.changeFeeds ?? new PolledFeeds(CHANGES_POLL_MS)
  const answers = deps.answers ?? new AnswerCache()
  const db = deps.storage.database
  const timeZoneOf = (site: string) => deps.sites.get(site)?.timezone ?? 'UTC'

  const page = (name: 'analytics' | 'screen') => (c: Context) => {
    const html = assets.page(name)
    if (!html) return errorResponse(c, new RequestError(503, 'ERR_NOT_FOUND', 'the dashboard is not built; run npm run build'))
    return c.body(html, 200, PAGE_HEADERS)
  }
  app.get('/dashboard', page('analytics'))
  app.get('/dashboard/screen', page('screen'))
  app.get('/dashboard/assets/:name', (c) => {
    const asset = assets.asset(c.req.param('name'))
    if (!asset) return errorResponse(c, new RequestError(404, 'ERR_NOT_FOUND', 'no such dashboard asset'))
    const cache = c.req.query('v') === asset.hash ? 'public, max-age=31536000, immutable' : 'no-cache'
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type, 'Cache-Control': cache, ETag: `"${asset.hash}"` })
  })

  // Every read of a version tells the answers when it was first seen (answer-cache.ts).
  const readVersion = (site: string) => async () => {
    const version = (await runPanels(deps.storage.readClient, db, [{ panel: 'version', query: dataVersion, params: {} }], { site })).panels.version![0]
    answers.saw(site, JSON.stringify(version))
    return version
  }

  app.get('/v1/dashboard', (c) =>
    answer(c, async () => {
      const who = await access(c.req.header('authorization'))
      const query = new URL(c.req.url).searchParams
      const site = allowedSite(who, query.get('site') ?? undefined, siteIds)
      const view = parseViewParams(query, site, timeZoneOf(site))
      const hosts = [...siteHostSet(deps.sites.get(site)?.hosts ?? [])]
      // The data version is read before the panels: what they show is at least that
      // version, and the page refetches when /v1/dashboard/changes sends another. The
      // requests for one view at one version share a run of its panels (answer-cache.ts);
      // a clocked panel (live visitors) is read for every request.
      const version = await readVersion(site)()
      const params = queryParams(view, hosts)
      const plans = analyticsPanels(view.eventFiltered)
      const [kept, clocked] = await Promise.all([
        answers.get(site, JSON.stringify(version), JSON.stringify(params), async () => ({
          ...(await runPanels(deps.storage.readClient, db, plans.filter((p) => !p.clocked), params, rangeShape(view), { oneAtATime: deps.storage.mode === 'embedded' && scansEveryEvent(view) })),
          generated_at: new Date().toISOString(),
        })),
        runPanels(deps.storage.readClient, db, plans.filter((p) => p.clocked), params),
      ])
      const sites = who.all ? siteIds : [site]
      return {
        ...view,
        sites: sites.map((id) => ({ id, name: deps.sites.get(id)?.name ?? id, timezone: timeZoneOf(id) })),
        reads: { ...kept.reads, ...clocked.reads },
        version,
        generated_at: kept.generated_at,
        ...kept.panels,
        ...clocked.panels,
      }
    }),
  )

  // The screen's panels move with the data and the day (the order ticker's 24-hour window
  // excepted: settled-readings.ts reads a kept reading again after 15 s), so a wall watching
  // a quiet site costs one version read per poll, not the seven panels.
  const screens = deps.screens ?? new SettledReadings()
  const readScreen = (site: string, tz: string) => async () => {
    const view = parseViewParams(new URLSearchParams({ tz }), site, tz)
    const day = todayIn(tz)
    const stamp = JSON.stringify([day, await readVersion(site)()])
    return screens.read(JSON.stringify([site, tz]), stamp, async () => {
      const { panels } = await runPanels(deps.storage.readClient, db, screenPanels(), queryParams(view, []), rangeShape(view))
      return { site, tz, day, ...panels }
    })
  }
  const screenTarget = async (c: Context) => {
    const who = await access(c.req.header('authorization'))
    const site = allowedSite(who, c.req.query('site'), siteIds)
    const tz = parseViewParams(new URLSearchParams({ tz: c.req.query('tz') ?? '' }), site, timeZoneOf(site)).tz
    return { site, tz }
  }
  app.get('/v1/dashboard/screen', (c) =>
    answer(c, async () => {
      const { site, tz } = await screenTarget(c)
      return readScreen(site, tz)()
    }),
  )
  app.get('/v1/dashboard/stream', async (c) => {
    const authorization = c.req.header('authorization')
    try {
      const { site, tz } = await screenTarget(c)
      return streamFeed(c, { feeds, key: `screen\u0000${site}\u0000${tz}`, read: readScreen(site, tz), event: 'screen', recheck: () => access(authorization) })
    } catch (err) {
      return refusal(c, err)
    }
  })
  app.get('/v1/dashboard/changes', async (c) => {
    const authorization = c.req.header('authorization')
    try {
      const site = allowedSite(await access(authorization), c.req.query('site'), siteIds)
      return streamFeed(c, { feeds: changeFeeds, key: site, read: readVersion(site), event: 'version', recheck: () => access(authorization) })
    } catch (err) {
      return refusal(c, err)
    }
  })
}

function refusal(c: Context, err: unknown): Response {
  return errorResponse(c, err instanceof RequestError ? err : new RequestError(500, 'ERR_INTERNAL', String(err)))
}

async function answer(c: Context, work: () => Promise<unknown>): Promise<Response> {
  try {
    return c.json(await work(), 200, { 'Cache-Control': 'no-store' })
  } catch (err) {
    if (err instanceof RequestError) return errorResponse(c, err)
    return c.json({ error: { code: 'ERR_QUERY', message: err instanceof Error ? err.message : String(err) } }, 500)
  }
}
