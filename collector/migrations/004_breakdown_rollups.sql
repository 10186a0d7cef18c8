-- Daily breakdowns of page views and unique visitors: by page, by source (channel,
-- referrer, UTM), by technology (browser, OS, device) and by place (country, region).
-- Only page views count here (type = 'pageview'), bots left out. Read with
-- sum(pageviews) and uniqMerge(visitors), grouped by the columns you need.
CREATE TABLE IF NOT EXISTS {db}.pages_daily
(
    site_id   LowCardinality(String),
    day       Date,
    hostname  LowCardinality(String),
    path      String,
    pageviews SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, hostname, path)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.pages_daily_mv TO {db}.pages_daily AS
SELECT site_id, toDate(ts) AS day, hostname, path,
       count() AS pageviews, uniqState(visitor_id) AS visitors
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview'
GROUP BY site_id, day, hostname, path;

CREATE TABLE IF NOT EXISTS {db}.sources_daily
(
    site_id       LowCardinality(String),
    day           Date,
    channel       LowCardinality(String),
    referrer_host LowCardinality(String),
    utm_source    LowCardinality(String),
    utm_medium    LowCardinality(String),
    utm_campaign  LowCardinality(String),
    pageviews     SimpleAggregateFunction(sum, UInt64),
    visitors      AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, channel, referrer_host, utm_source, utm_medium, utm_campaign)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.sources_daily_mv TO {db}.sources_daily AS
SELECT site_id, toDate(ts) AS day, channel, referrer_host, utm_source, utm_medium, utm_campaign,
       count() AS pageviews, uniqState(visitor_id) AS visitors
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview'
GROUP BY site_id, day, channel, referrer_host, utm_source, utm_medium, utm_campaign;

CREATE TABLE IF NOT EXISTS {db}.tech_daily
(
    site_id     LowCardinality(String),
    day         Date,
    browser     LowCardinality(String),
    os          LowCardinality(String),
    device_type LowCardinality(String),
    pageviews   SimpleAggregateFunction(sum, UInt64),
    visitors    AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, browser, os, device_type)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.tech_daily_mv TO {db}.tech_daily AS
SELECT site_id, toDate(ts) AS day, browser, os, device_type,
       count() AS pageviews, uniqState(visitor_id) AS visitors
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview'
GROUP BY site_id, day, browser, os, device_type;

CREATE TABLE IF NOT EXISTS {db}.geo_daily
(
    site_id   LowCardinality(String),
    day       Date,
    country   LowCardinality(String),
    region    LowCardinality(String),
    pageviews SimpleAggregateFunction(sum, UInt64),
    visitors  AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, country, region)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.geo_daily_mv TO {db}.geo_daily AS
SELECT site_id, toDate(ts) AS day, country, region,
       count() AS pageviews, uniqState(visitor_id) AS visitors
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview'
GROUP BY site_id, day, country, region;
