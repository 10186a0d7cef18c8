/**
 * The dashboard's questions, one query each, named by what it answers. Parameters are
 * ClickHouse-typed (`{site:String}`, `{days:UInt16}`); `db` is the configured database.
 * A range of `days` means that many UTC days up to and including today.
 */
export const DASHBOARD_QUERIES = {
  /** Page views, unique visitors, events and visits over the range. */
  totals: (db: string) => `
    SELECT sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors, sum(events) AS events, uniqMerge(visits) AS visits
    FROM ${db}.traffic_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}`,

  /** Bounce rate and mean visit duration over the range. */
  engagement: (db: string) => `
    SELECT sum(v.visits) AS visit_count, sum(v.bounces) AS bounce_count,
           if(visit_count = 0, 0, round(bounce_count / visit_count, 4)) AS bounce_rate,
           if(visit_count = 0, 0, round(sum(v.avg_duration_s * v.visits) / visit_count, 1)) AS avg_duration_s
    FROM ${db}.visits_daily AS v
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}`,

  /** PV and UV per hour (a one-day range) or per day. */
  series: (db: string) => `
    SELECT t, sum(pv) AS pageviews, uniqMerge(uv) AS visitors FROM (
      SELECT hour AS t, pageviews AS pv, visitors AS uv FROM ${db}.traffic_hourly
      WHERE {days:UInt16} = 1 AND site_id = {site:String} AND hour >= toStartOfDay(now())
      UNION ALL
      SELECT toDateTime(day) AS t, pageviews AS pv, visitors AS uv FROM ${db}.traffic_daily
      WHERE {days:UInt16} > 1 AND site_id = {site:String} AND day > today() - {days:UInt16}
    ) GROUP BY t ORDER BY t`,

  /** Most viewed pages. */
  pages: (db: string) => `
    SELECT path AS label, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
    FROM ${db}.pages_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}
    GROUP BY label ORDER BY pageviews DESC, label LIMIT 10`,

  /**
   * Where visitors come from: the referrer's host, or the channel when there is none.
   * Self-referrals are no source: `internal` rows and the site's own hosts
   * (`{hosts:Array(String)}`, lower case without `www.`) are left out.
   */
  sources: (db: string) => `
    SELECT if(referrer_host = '', channel, referrer_host) AS label, any(channel) AS via,
           sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
    FROM ${db}.sources_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}
      AND channel != 'internal' AND referrer_host NOT IN {hosts:Array(String)}
    GROUP BY label ORDER BY visitors DESC, label LIMIT 10`,

  /** Browsers. */
  browsers: (db: string) => `
    SELECT if(browser = '', '(unknown)', browser) AS label, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
    FROM ${db}.tech_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}
    GROUP BY label ORDER BY visitors DESC, label LIMIT 8`,

  /** Device types. */
  devices: (db: string) => `
    SELECT if(device_type = '', '(unknown)', device_type) AS label, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
    FROM ${db}.tech_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}
    GROUP BY label ORDER BY visitors DESC, label LIMIT 8`,

  /** Countries. */
  countries: (db: string) => `
    SELECT if(country = '', '(unknown)', country) AS label, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
    FROM ${db}.geo_daily
    WHERE site_id = {site:String} AND day > today() - {days:UInt16}
    GROUP BY label ORDER BY visitors DESC, label LIMIT 10`,

  /** Visitors and events in the last five minutes, from raw events. */
  live: (db: string) => `
    SELECT uniq(visitor_id) AS visitors, count() AS events
    FROM ${db}.events
    WHERE site_id = {site:String} AND ts >= now64(3) - INTERVAL 5 MINUTE AND is_bot = 0`,
} as const

export type DashboardPanel = keyof typeof DASHBOARD_QUERIES
