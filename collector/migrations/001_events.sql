-- events: every accepted event, append-only. The table analysts query for anything
-- the rollups do not answer. Ordered for the common query (one site, a time range).
-- Operating it on a large table: retention is the TTL below; change it with
--   ALTER TABLE {db}.events MODIFY TTL toDateTime(ts) + INTERVAL 400 DAY
-- (runs in the background at merge time). Adding a column is cheap (metadata only).
-- Exactly once: the writer skips ids already stored (client retries) and inserts with
-- an insert_deduplication_token it journals first, so a replay after a crash is
-- recognised by events and by every rollup (each table has a deduplication window).
CREATE TABLE IF NOT EXISTS {db}.events
(
    site_id         LowCardinality(String),
    ts              DateTime64(3, 'UTC'),
    received_at     DateTime64(3, 'UTC'),
    id              UUID,
    type            LowCardinality(String),
    name            LowCardinality(String),
    visitor_id      String,
    session_id      String,
    user_id         String,
    url             String,
    hostname        LowCardinality(String),
    path            String,
    referrer        String,
    referrer_host   LowCardinality(String),
    channel         LowCardinality(String),
    utm_source      LowCardinality(String),
    utm_medium      LowCardinality(String),
    utm_campaign    LowCardinality(String),
    utm_term        String,
    utm_content     String,
    title           String,
    screen          LowCardinality(String),
    locale          LowCardinality(String),
    timezone        LowCardinality(String),
    browser         LowCardinality(String),
    browser_version LowCardinality(String),
    os              LowCardinality(String),
    os_version      LowCardinality(String),
    device_type     LowCardinality(String),
    country         LowCardinality(String),
    region          LowCardinality(String),
    is_bot          UInt8,
    source          LowCardinality(String),
    props           Map(String, String),
    -- The writer looks ids up before it inserts (idempotency); this keeps that cheap.
    INDEX idx_id id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, ts)
TTL toDateTime(ts) + INTERVAL 25 MONTH
SETTINGS non_replicated_deduplication_window = 1000;
