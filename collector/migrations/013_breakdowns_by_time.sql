-- The dashboard's breakdown rollups of 011, sorted by time before value:
--   breakdown_by_hour, breakdown_by_day, breakdown_by_week replace breakdown_hourly,
--   breakdown_daily, breakdown_weekly (same columns, same views; 014 drops the old ones).
-- Why: a panel reads every value of a dimension over a few weeks and days. Sorted
-- (dim, value, time), each value's two days of a 30-day range sat in their own granule
-- among its other days, so the read deserialised several times the rows it needed (a
-- visitor state is up to 12 KB). Sorted (dim, time, value), a period of a dimension is
-- one run of rows: the 30-day breakdowns query went from ~155 to ~105-110 ms p50 on
-- 10 M events (test/bench/dashboard-queries.ts).
-- The old views stop before the new ones start; the backfill copies the old hourly rows
-- into breakdown_by_hour, and the chained views fill the day and week grains from it, as
-- they do for every insert. A fixed dedup token makes a re-run after a cut-short
-- migration recognise the blocks it already wrote. Rows inserted by another collector
-- between dropping the old views and creating the new ones would be missed: apply with
-- writers stopped (the embedded collector migrates before its writer starts).

CREATE TABLE IF NOT EXISTS {db}.breakdown_by_hour
(
    site_id   LowCardinality(String),
    hour      DateTime('UTC'),
    dim       LowCardinality(String),
    value     String,
    parent    LowCardinality(String),
    pageviews SimpleAggregateFunction(sum, UInt64),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniqCombined(14), String),
    visits    AggregateFunction(uniqCombined(12), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (site_id, dim, hour, value, parent)
SETTINGS index_granularity = 64, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.breakdown_by_day
(
    site_id   LowCardinality(String),
    day       Date,
    dim       LowCardinality(String),
    value     String,
    parent    LowCardinality(String),
    pageviews SimpleAggregateFunction(sum, UInt64),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniqCombined(14), String),
    visits    AggregateFunction(uniqCombined(12), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, dim, day, value, parent)
SETTINGS index_granularity = 32, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.breakdown_by_week
(
    site_id   LowCardinality(String),
    week      Date,
    dim       LowCardinality(String),
    value     String,
    parent    LowCardinality(String),
    pageviews SimpleAggregateFunction(sum, UInt64),
    events    SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniqCombined(14), String),
    visits    AggregateFunction(uniqCombined(12), String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYear(week)
ORDER BY (site_id, dim, week, value, parent)
SETTINGS index_granularity = 32, non_replicated_deduplication_window = 1000;

DROP VIEW IF EXISTS {db}.breakdown_hourly_mv;

DROP VIEW IF EXISTS {db}.breakdown_daily_mv;

DROP VIEW IF EXISTS {db}.breakdown_weekly_mv;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_by_hour_mv TO {db}.breakdown_by_hour AS
SELECT site_id, toStartOfHour(ts) AS hour, d.1 AS dim, d.2 AS value, d.3 AS parent,
       countIf(type = 'pageview') AS pageviews, count() AS events,
       uniqCombinedState(14)(visitor_id) AS visitors, uniqCombinedStateIf(12)(session_id, d.1 = '') AS visits
FROM {db}.events
ARRAY JOIN arrayConcat(
    [('', '', '')],
    if(type = 'pageview',
       arrayConcat(
         [('page', path, '')],
         if(channel = 'internal', [],
            [('channel', toString(channel), ''), ('referrer', toString(referrer_host), ''), ('utm_source', toString(utm_source), ''),
             ('utm_medium', toString(utm_medium), ''), ('utm_campaign', toString(utm_campaign), '')]),
         [('country', toString(country), ''), ('region', toString(region), toString(country)), ('browser', toString(browser), ''),
          ('os', toString(os), ''), ('device', toString(device_type), '')]),
       if(type = 'track' AND name != 'engagement', [('event', toString(name), '')], []))) AS d
WHERE is_bot = 0
GROUP BY site_id, hour, dim, value, parent;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_by_day_mv TO {db}.breakdown_by_day AS
SELECT site_id, toDate(hour) AS day, dim, value, parent, sum(pageviews) AS pageviews, sum(events) AS events,
       uniqCombinedMergeState(14)(visitors) AS visitors, uniqCombinedMergeState(12)(visits) AS visits
FROM {db}.breakdown_by_hour
GROUP BY site_id, day, dim, value, parent;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_by_week_mv TO {db}.breakdown_by_week AS
SELECT site_id, toMonday(day) AS week, dim, value, parent, sum(pageviews) AS pageviews, sum(events) AS events,
       uniqCombinedMergeState(14)(visitors) AS visitors, uniqCombinedMergeState(12)(visits) AS visits
FROM {db}.breakdown_by_day
GROUP BY site_id, week, dim, value, parent;

INSERT INTO {db}.breakdown_by_hour (site_id, hour, dim, value, parent, pageviews, events, visitors, visits)
SETTINGS insert_deduplication_token = '013_breakdown_by_hour_backfill'
SELECT site_id, hour, dim, value, parent, pageviews, events, visitors, visits
FROM {db}.breakdown_hourly;
