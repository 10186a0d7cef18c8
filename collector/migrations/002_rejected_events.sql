-- rejected_events: events refused by validation, with the reason, so nothing is
-- dropped silently. Small by design; kept 30 days.
CREATE TABLE IF NOT EXISTS {db}.rejected_events
(
    site_id     LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    reason      LowCardinality(String),
    payload     String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (site_id, received_at)
TTL toDateTime(received_at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000;
