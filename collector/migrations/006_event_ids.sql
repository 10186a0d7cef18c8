-- event_ids: which (site, id) pairs are stored, for the writer's idempotency check.
-- The writer asks it before every insert ("which of these ids of these sites are
-- stored?") by primary key, so a repeat of the same (site, id) is skipped whatever its
-- event time says and however late it comes, up to the retention of events (the TTL
-- below is the one of events). Two sites never collide: the key holds both.
-- It is filled by a materialized view from events, so it is written by the same insert
-- as events, under the same insert_deduplication_token (the writer sets
-- deduplicate_blocks_in_dependent_materialized_views): a replayed block is skipped here
-- exactly as it is in events.
-- Layout, for point lookups of a batch of random ids (test/bench/id-lookup.ts measures
-- the options): ordered by id first, so `id IN (…)` narrows by the first key column
-- whatever the sites of the batch; 256-row granules, so each id costs at most one small
-- granule; no partitions, so an id is looked for in a few merged parts, not in one part
-- per month of retention. A lookup then reads in proportion to the batch, not to the
-- table (500 ids in 2 M stored: ~120 k rows read instead of all 2 M). Rows expire by the
-- TTL at merge time. The primary index costs ~16 bytes per 256 rows in memory.
CREATE TABLE IF NOT EXISTS {db}.event_ids
(
    site_id LowCardinality(String),
    id      UUID,
    ts      DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY (id, site_id)
TTL toDateTime(ts) + INTERVAL 25 MONTH
SETTINGS index_granularity = 256, non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.event_ids_mv TO {db}.event_ids AS
SELECT site_id, id, ts
FROM {db}.events;

-- Backfill from the events stored before this migration. The view above exists first,
-- so an event inserted meanwhile (another collector) is in event_ids either way. A
-- repeat of the backfill is harmless (ReplacingMergeTree keeps one row per key, and the
-- lookup only asks whether a key exists), so the migration is simply re-run when it is
-- cut short. Its cost measured here: 13 s for 10 M events (test/bench/id-lookup.ts).
-- On a large events table, create the table and the view above yourself, backfill
-- month by month (each month can be repeated, so the backfill resumes where it stopped):
--   INSERT INTO {db}.event_ids SELECT site_id, id, ts FROM {db}.events WHERE toYYYYMM(ts) = 202401
-- and upgrade after (this statement then repeats the work once, harmlessly).
INSERT INTO {db}.event_ids SELECT site_id, id, ts FROM {db}.events;

-- rejected_events.message: why the row was refused (the engine's message for events
-- the engine refused; validation keeps the detail in its answer to the sender).
ALTER TABLE {db}.rejected_events ADD COLUMN IF NOT EXISTS message String DEFAULT '';
