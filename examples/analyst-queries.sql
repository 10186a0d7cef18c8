-- The first questions an analyst asks, in plain SQL over Tally's rollups (no FINAL, no
-- signs or versions). Paste one into `npx tally-collector sql "…"` with a
-- `--param name=value` for each {name:Type} (site=demo in dev mode), or send it to
-- POST /v1/sql with "params".
--
-- Days and hours are UTC. Page views leave bots out; money is exact Decimal in major
-- units, per currency (never add currencies together). Each query below is run by
-- test/collector/analyst-queries.test.ts on a small known dataset, so they never rot.

-- name: daily_pv_uv
-- Page views and unique visitors per day.
SELECT day, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
FROM tally.traffic_daily
WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date}
GROUP BY day
ORDER BY day;

-- name: top_pages
-- The ten most viewed pages, with their unique visitors.
SELECT path, sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors
FROM tally.pages_daily
WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date}
GROUP BY path
ORDER BY pageviews DESC, path
LIMIT 10;

-- name: two_step_funnel
-- Visitors who viewed page {step1}, and of those, how many viewed {step2} after it within a day.
SELECT countIf(level >= 1) AS step1_visitors, countIf(level >= 2) AS step2_visitors,
       round(step2_visitors / nullIf(step1_visitors, 0), 4) AS conversion
FROM
(
    SELECT visitor_id,
           windowFunnel(86400)(toDateTime(ts), path = {step1:String}, path = {step2:String}) AS level
    FROM tally.events
    WHERE site_id = {site:String} AND type = 'pageview' AND is_bot = 0
      AND ts >= toDateTime64({from:Date}, 3, 'UTC') AND ts < toDateTime64({to:Date} + 1, 3, 'UTC')
    GROUP BY visitor_id
);

-- name: revenue_by_province_this_week
-- Revenue, orders and refunds per province since Monday (UTC), in one currency.
SELECT province, sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM tally.revenue_by_province_daily
WHERE site_id = {site:String} AND currency = {currency:String} AND day >= toMonday(today())
GROUP BY province
HAVING orders != 0 OR revenue != 0 OR refunded != 0
ORDER BY revenue DESC, province;

-- name: top_cabinets
-- The ten cabinets that made the most revenue, in one currency.
SELECT province, cabinet, sum(revenue) AS revenue, sum(orders) AS orders
FROM tally.revenue_by_cabinet_daily
WHERE site_id = {site:String} AND currency = {currency:String} AND day BETWEEN {from:Date} AND {to:Date}
GROUP BY province, cabinet
HAVING orders != 0 OR revenue != 0
ORDER BY revenue DESC, orders DESC, cabinet
LIMIT 10;

-- name: refunds_by_day
-- Money refunded per day (of the orders' start), beside the revenue that remained.
SELECT day, currency, sum(refunded) AS refunded, sum(revenue) AS revenue
FROM tally.revenue_daily
WHERE site_id = {site:String} AND day BETWEEN {from:Date} AND {to:Date}
GROUP BY day, currency
HAVING refunded != 0
ORDER BY day, currency;
