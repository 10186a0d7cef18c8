-- Traffic rollups: page views (PV), events, unique visitors (UV) and visits per site
-- by hour and by day (UTC), kept live by materialized views on every insert into
-- events. Bots (is_bot = 1) are left out. Read them with sum() and uniqMerge():
--   SELECT hour, sum(pageviews), uniqMerge(visitors) FROM {db}.traffic_hourly
--   WHERE site_id = 'demo' GROUP BY hour ORDER BY hour
-- UV uses uniq(): exact up to 65,536 distinct visitors, then an adaptive sample
-- (within 0.5 % up to 5 M, test/bench/uniq-error.ts); the same function on raw events
-- gives the same number.
-- On a large existing events table, backfill with INSERT INTO … SELECT the view's
-- query over closed months.
CREATE TABLE IF NOT EXISTS {db}.traffic_hourly
(
    site_id   LowCardinality(String),
    hour      DateTime('UTC'),
    pageviews SimpleAggregateFunction(sum, UInt64),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, String),
    visits    AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (site_id, hour)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.traffic_hourly_mv TO {db}.traffic_hourly AS
SELECT
    site_id,
    toStartOfHour(ts) AS hour,
    countIf(type = 'pageview') AS pageviews,
    count() AS events,
    uniqState(visitor_id) AS visitors,
    uniqState(session_id) AS visits
FROM {db}.events
WHERE is_bot = 0
GROUP BY site_id, hour;

CREATE TABLE IF NOT EXISTS {db}.traffic_daily
(
    site_id   LowCardinality(String),
    day       Date,
    pageviews SimpleAggregateFunction(sum, UInt64),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, String),
    visits    AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.traffic_daily_mv TO {db}.traffic_daily AS
SELECT
    site_id,
    toDate(ts) AS day,
    countIf(type = 'pageview') AS pageviews,
    count() AS events,
    uniqState(visitor_id) AS visitors,
    uniqState(session_id) AS visits
FROM {db}.events
WHERE is_bot = 0
GROUP BY site_id, day;
