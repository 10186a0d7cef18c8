-- The dashboard's unfiltered numbers, one generic rollup at three grains (step 7):
--   breakdown_hourly (site × UTC hour × dim × value), breakdown_daily (× UTC day) and
--   breakdown_weekly (× UTC week from Monday).
-- `dim` is '' for all traffic (value '': page views, events, visitors, visits), or one
-- breakdown: page, channel, referrer, utm_source, utm_medium, utm_campaign, country,
-- region (its country in `parent`), browser, os, device (page views only), or event
-- (custom events by name; the tracker's own `engagement` left out). Sources skip
-- self-referrals (channel `internal`). Bots left out.
-- Why a new rollup beside 003/004: a 30-day panel over 003/004 merged one `uniq` state
-- per hour (or per day × value), each up to 64 k hashes, and took 160–480 ms per panel on
-- 10 M events (test/bench/dashboard-queries.ts). Here visitors are `uniqCombined(14)`
-- (HyperLogLog with 2^14 cells once past ~1,000 distinct, exact below; ~0.4–0.8 % error;
-- the precision Google Analytics 4 uses for users) and visits `uniqCombined(12)` (GA4's for
-- sessions, ~1.6 %): a state is ≤ 12 KB and merges in a pass over its cells. A range
-- reads whole weeks from the weekly grain, the other whole UTC days from the daily one
-- and only its partial days from the hourly one, so a 30-day panel merges ~10 states
-- per value instead of 720, and any whole-hour time zone is exact (queries/time-window.ts).
-- Sorted by value before time, in small granules (a state is up to 12 KB and a whole
-- granule is read): the rows a top-10 panel merges are ten short runs, not every page.
-- 003/004 stay as they are for analysts' SQL (uniq, documented in the README).
-- Backfill: the INSERT at the end reads events once (every grain fills from it), with a
-- fixed dedup token, so a migration cut short and re-run is recognised. Rows inserted by another collector
-- between a view's creation and its backfill would be counted twice: apply with
-- writers stopped (the embedded collector migrates before its writer starts).
CREATE TABLE IF NOT EXISTS {db}.breakdown_hourly
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
ORDER BY (site_id, dim, value, parent, hour)
SETTINGS index_granularity = 64, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.breakdown_daily
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
ORDER BY (site_id, dim, value, parent, day)
SETTINGS index_granularity = 32, non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.breakdown_weekly
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
ORDER BY (site_id, dim, value, parent, week)
SETTINGS index_granularity = 32, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_hourly_mv TO {db}.breakdown_hourly AS
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

-- The daily grain is filled from the hourly one and the weekly from the daily (views on
-- a view's target), so the dimension list is written once; the backfill fills all three.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_daily_mv TO {db}.breakdown_daily AS
SELECT site_id, toDate(hour) AS day, dim, value, parent, sum(pageviews) AS pageviews, sum(events) AS events,
       uniqCombinedMergeState(14)(visitors) AS visitors, uniqCombinedMergeState(12)(visits) AS visits
FROM {db}.breakdown_hourly
GROUP BY site_id, day, dim, value, parent;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.breakdown_weekly_mv TO {db}.breakdown_weekly AS
SELECT site_id, toMonday(day) AS week, dim, value, parent, sum(pageviews) AS pageviews, sum(events) AS events,
       uniqCombinedMergeState(14)(visitors) AS visitors, uniqCombinedMergeState(12)(visits) AS visits
FROM {db}.breakdown_daily
GROUP BY site_id, week, dim, value, parent;

INSERT INTO {db}.breakdown_hourly (site_id, hour, dim, value, parent, pageviews, events, visitors, visits)
SETTINGS insert_deduplication_token = '011_breakdown_hourly_backfill'
SELECT site_id, toStartOfHour(ts) AS hour, d.1 AS dim, d.2 AS value, d.3 AS parent,
       countIf(type = 'pageview'), count(), uniqCombinedState(14)(visitor_id), uniqCombinedStateIf(12)(session_id, d.1 = '')
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
