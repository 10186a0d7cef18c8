-- Revenue rollups (step 5), live from order_ledger (see 008_orders.sql for the
-- mechanism). Read with plain SQL, no FINAL, no signs or versions:
--   SELECT province, sum(revenue), sum(orders) FROM {db}.revenue_by_province_daily
--   WHERE site_id = 'demo' AND day >= today() - 6 AND currency = 'CNY' GROUP BY province
-- revenue = amount - refunded; refunded is money; orders counts open, completed and
-- refunded orders. Hours and days are UTC, of the order's started_at: a screen in UTC+8
-- groups the hourly tables by toDate(hour, 'Asia/Shanghai').
-- A group whose sums all reach 0 disappears at the next merge (SummingMergeTree).
CREATE TABLE IF NOT EXISTS {db}.revenue_by_cabinet_hourly
(
    site_id  LowCardinality(String),
    hour     DateTime('UTC'),
    province LowCardinality(String),
    cabinet  String,
    currency LowCardinality(String),
    revenue  Decimal(38, 4),
    orders   Int64,
    refunded Decimal(38, 4)
)
ENGINE = SummingMergeTree((revenue, orders, refunded))
PARTITION BY toYYYYMM(hour)
ORDER BY (site_id, hour, province, cabinet, currency)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.revenue_by_cabinet_hourly_mv TO {db}.revenue_by_cabinet_hourly AS
SELECT site_id, toStartOfHour(toDateTime(started_at, 'UTC')) AS hour, province, cabinet, currency,
       sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM {db}.order_ledger
GROUP BY site_id, hour, province, cabinet, currency;

CREATE TABLE IF NOT EXISTS {db}.revenue_by_cabinet_daily
(
    site_id  LowCardinality(String),
    day      Date,
    province LowCardinality(String),
    cabinet  String,
    currency LowCardinality(String),
    revenue  Decimal(38, 4),
    orders   Int64,
    refunded Decimal(38, 4)
)
ENGINE = SummingMergeTree((revenue, orders, refunded))
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, province, cabinet, currency)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.revenue_by_cabinet_daily_mv TO {db}.revenue_by_cabinet_daily AS
SELECT site_id, toDate(started_at, 'UTC') AS day, province, cabinet, currency,
       sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM {db}.order_ledger
GROUP BY site_id, day, province, cabinet, currency;

CREATE TABLE IF NOT EXISTS {db}.revenue_by_province_hourly
(
    site_id  LowCardinality(String),
    hour     DateTime('UTC'),
    province LowCardinality(String),
    currency LowCardinality(String),
    revenue  Decimal(38, 4),
    orders   Int64,
    refunded Decimal(38, 4)
)
ENGINE = SummingMergeTree((revenue, orders, refunded))
PARTITION BY toYYYYMM(hour)
ORDER BY (site_id, hour, province, currency)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.revenue_by_province_hourly_mv TO {db}.revenue_by_province_hourly AS
SELECT site_id, toStartOfHour(toDateTime(started_at, 'UTC')) AS hour, province, currency,
       sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM {db}.order_ledger
GROUP BY site_id, hour, province, currency;

CREATE TABLE IF NOT EXISTS {db}.revenue_by_province_daily
(
    site_id  LowCardinality(String),
    day      Date,
    province LowCardinality(String),
    currency LowCardinality(String),
    revenue  Decimal(38, 4),
    orders   Int64,
    refunded Decimal(38, 4)
)
ENGINE = SummingMergeTree((revenue, orders, refunded))
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, province, currency)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.revenue_by_province_daily_mv TO {db}.revenue_by_province_daily AS
SELECT site_id, toDate(started_at, 'UTC') AS day, province, currency,
       sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM {db}.order_ledger
GROUP BY site_id, day, province, currency;

CREATE TABLE IF NOT EXISTS {db}.revenue_daily
(
    site_id  LowCardinality(String),
    day      Date,
    currency LowCardinality(String),
    revenue  Decimal(38, 4),
    orders   Int64,
    refunded Decimal(38, 4)
)
ENGINE = SummingMergeTree((revenue, orders, refunded))
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, currency)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.revenue_daily_mv TO {db}.revenue_daily AS
SELECT site_id, toDate(started_at, 'UTC') AS day, currency,
       sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
FROM {db}.order_ledger
GROUP BY site_id, day, currency;
