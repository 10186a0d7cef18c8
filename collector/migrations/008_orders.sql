-- Orders and revenue rollups (step 5). How it works, and why this way:
--
-- 1. order_versions (inbox): every collector's writer inserts the order versions it
--    received, inside its normal journalled insert (insert_deduplication_token), so a
--    crash replay is recognised. Versions are facts as received; nothing is decided here.
-- 2. One applier (the collector holding the lease in orders_applier_lease; see
--    src/orders/lease.ts) reads new versions in insertion order and, from each order's
--    applied state (orders_state), writes to order_ledger: a -1 row retracting the
--    applied version's contribution under its OLD keys (day, hour, province, cabinet)
--    and a +1 row for the new version. Older or equal versions change nothing.
-- 3. Materialized views on order_ledger keep orders_state (ReplacingMergeTree: the
--    latest applied version per order, tombstones included) and the five rollups
--    (SummingMergeTree) current inside the same insert.
-- Why: a ledger of retractions is exact under duplicates and any arrival order as long
-- as one writer knows the applied state, and its cost grows with the number of CHANGES,
-- not of orders (ReplacingMergeTree + FINAL or a refreshable view costs grow with the
-- total number of orders at every refresh). Measured in ../shared/ORDERS.md and by
-- test/bench/orders-cost.ts.
-- Money is Decimal(38, 4) in major units (every ISO 4217 minor unit fits), summed per
-- currency, never across currencies. Days and hours are UTC, of the order's started_at.
-- Backfill: there are no orders before this migration, so nothing to backfill. Every
-- revenue rollup is a function of order_ledger, so one added (or lost) later is rebuilt
-- from it with its view's own query, a month of started_at at a time (resumable: a month
-- cut short is dropped and done again), with no applier running anywhere
-- (TALLY_ORDERS_APPLIER=0 on every collector; or, with one collector, inside the
-- migration that adds the rollup: migrations run before its applier starts):
--   ALTER TABLE {db}.<rollup> DROP PARTITION <yyyymm>;
--   INSERT INTO {db}.<rollup> <the view's SELECT, with WHERE toYYYYMM(started_at) = <yyyymm>>;
-- then `tally-collector orders reconcile` must report 0. Without SQL write access (the
-- embedded engine), `tally-collector orders reconcile --repair` rebuilds any rollup from
-- orders_state instead (idempotent: run it again after an interruption). Both are tested
-- in test/collector/orders-reconcile-engine.test.ts.
CREATE TABLE IF NOT EXISTS {db}.order_versions
(
    site_id        LowCardinality(String),
    order_id       String,
    version        UInt64,
    event_id       UUID,
    status         LowCardinality(String),
    province       LowCardinality(String),
    cabinet        String,
    started_at     DateTime64(3, 'UTC'),
    ended_at       Nullable(DateTime64(3, 'UTC')),
    currency       LowCardinality(String),
    price_per_hour String,
    amount         Decimal(38, 4),
    orders         Int64,
    revenue        Decimal(38, 4),
    refunded       Decimal(38, 4),
    content_hash   String,
    props          Map(String, String),
    received_at    DateTime64(3, 'UTC'),
    -- Set by the server at insert: the applier's reading order.
    inserted_at    DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(inserted_at)
ORDER BY inserted_at
TTL toDateTime(inserted_at) + INTERVAL 90 DAY
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.order_ledger
(
    site_id            LowCardinality(String),
    order_id           String,
    version            UInt64,
    -- +1: a version applied; -1: the retraction of the version it replaced; 0: a repair by reconciliation.
    sign               Int8,
    status             LowCardinality(String),
    province           LowCardinality(String),
    cabinet            String,
    started_at         DateTime64(3, 'UTC'),
    ended_at           Nullable(DateTime64(3, 'UTC')),
    currency           LowCardinality(String),
    price_per_hour     String,
    amount             Decimal(38, 4),
    orders             Int64,
    revenue            Decimal(38, 4),
    refunded           Decimal(38, 4),
    content_hash       String,
    props              Map(String, String),
    event_id           UUID,
    received_at        DateTime64(3, 'UTC'),
    source_inserted_at DateTime64(6, 'UTC'),
    applied_at         DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(applied_at)
ORDER BY (site_id, order_id, version, sign)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS {db}.orders_state
(
    site_id            LowCardinality(String),
    order_id           String,
    version            UInt64,
    status             LowCardinality(String),
    province           LowCardinality(String),
    cabinet            String,
    started_at         DateTime64(3, 'UTC'),
    ended_at           Nullable(DateTime64(3, 'UTC')),
    currency           LowCardinality(String),
    price_per_hour     String,
    amount             Decimal(38, 4),
    orders             Int64,
    revenue            Decimal(38, 4),
    refunded           Decimal(38, 4),
    content_hash       String,
    props              Map(String, String),
    event_id           UUID,
    received_at        DateTime64(3, 'UTC'),
    source_inserted_at DateTime64(6, 'UTC')
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, order_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.orders_state_mv TO {db}.orders_state AS
SELECT site_id, order_id, version, status, province, cabinet, started_at, ended_at, currency, price_per_hour,
       amount, orders, revenue, refunded, content_hash, props, event_id, received_at, source_inserted_at
FROM {db}.order_ledger
WHERE sign = 1;

-- One row per order that is not deleted: its latest applied state. amount, revenue and
-- refunded are what the order counts for (0 for open, cancelled).
CREATE VIEW IF NOT EXISTS {db}.orders_current AS
SELECT site_id, order_id, version, status, province, cabinet, started_at, ended_at, currency,
       price_per_hour, amount, revenue, refunded, props, received_at
FROM {db}.orders_state FINAL
WHERE status != 'deleted';

-- Applier lease and progress: each candidate applier inserts a heartbeat row every few
-- seconds, carrying `since` (the server time of its first beat). The live candidate (a
-- beat within the lease time) with the earliest `since` applies; the others stand by.
-- cursor: how far in order_versions it has applied.
CREATE TABLE IF NOT EXISTS {db}.orders_applier_lease
(
    holder String,
    at     DateTime64(3, 'UTC') DEFAULT now64(3),
    since  DateTime64(3, 'UTC') DEFAULT now64(3),
    cursor DateTime64(6, 'UTC')
)
ENGINE = MergeTree
ORDER BY (holder, at)
TTL toDateTime(at) + INTERVAL 2 DAY;
