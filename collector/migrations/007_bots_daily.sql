-- bots_daily: what the traffic rollups leave out. Every event flagged as a bot
-- (is_bot = 1) counted per site, day and bot family, so "how much was filtered" is a
-- rollup query, and the dashboard can show it:
--   SELECT bot, sum(events), sum(pageviews) FROM {db}.bots_daily
--   WHERE site_id = 'demo' AND day > today() - 7 GROUP BY bot ORDER BY 2 DESC
-- The family (`googlebot`, `curl`, `empty` for no User-Agent…) is decided at ingest
-- (enrich/bot.ts) and kept in the new column events.bot, because the User-Agent itself
-- is never stored. Adding the column is metadata only, cheap on any table.
--
-- Rows stored before this migration read the column's DEFAULT: '(unrecorded)' for
-- their bots. The collector always writes bot explicitly ('' for people, a family for
-- bots, '' again for events replayed from a spool written before the upgrade, which
-- the view also counts as '(unrecorded)'), so '(unrecorded)' in events marks exactly
-- the rows stored before 007. The backfill below counts only those, and the view only
-- rows inserted after it exists: nothing is counted twice, whatever the order, and
-- the collector may keep writing meanwhile.
--
-- Backfill, resumable: the INSERT at the end is one small block (one row per site and
-- day), written with a fixed insert_deduplication_token, so if this migration is cut
-- short and re-run, a backfill that already landed is recognised and dropped (the
-- target's deduplication window holds the token). It reads site_id, ts, type and
-- is_bot of the whole events table once, at start-up; on a very large table expect
-- roughly a second per few hundred million rows. Rows you insert by hand without a
-- bot column also read '(unrecorded)'; give them a bot value ('' or a family).
-- A cluster (cluster-schema.ts) gets the tables, the view and this backfill as it is:
-- apply it once, on one node; it reads and writes through the Distributed tables.
ALTER TABLE {db}.events ADD COLUMN IF NOT EXISTS bot LowCardinality(String) DEFAULT if(is_bot = 1, '(unrecorded)', '') AFTER is_bot;

CREATE TABLE IF NOT EXISTS {db}.bots_daily
(
    site_id   LowCardinality(String),
    day       Date,
    bot       LowCardinality(String),
    events    SimpleAggregateFunction(sum, UInt64),
    pageviews SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, bot)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.bots_daily_mv TO {db}.bots_daily AS
SELECT
    site_id,
    toDate(ts) AS day,
    if(events.bot = '', '(unrecorded)', events.bot) AS bot,
    count() AS events,
    countIf(type = 'pageview') AS pageviews
FROM {db}.events
WHERE is_bot = 1
GROUP BY site_id, day, bot;

INSERT INTO {db}.bots_daily (site_id, day, bot, events, pageviews)
SETTINGS insert_deduplication_token = '007_bots_daily_backfill'
SELECT site_id, toDate(ts) AS day, '(unrecorded)' AS bot, count() AS events, countIf(type = 'pageview') AS pageviews
FROM {db}.events
WHERE is_bot = 1 AND bot = '(unrecorded)'
GROUP BY site_id, day;
