-- visit_summaries_daily: one row per site × closed UTC day with that day's visit summary,
-- so the dashboard's unfiltered engagement and entry/exit panels read a few dozen rows
-- instead of one row per visit (sessions_daily, session_pages_daily) over long ranges.
-- * Contents, as the per-visit queries define them: `visits`, `bounces` (one page view)
--   and `duration_ms` (sum of visit durations, so periods add up) over the visits of
--   sessions_daily with `pageviews > 0`; entry and exit pages as parallel arrays
--   (path, visits of session_pages_daily). A visit crossing midnight counts on both
--   days, bots are out, as in the rollups. Every path is kept (a period's top pages are
--   summed over days, so no day may be cut).
-- * Written by the collector's compactor (src/dashboard/visit-summaries.ts), never by a
--   view: one INSERT … SELECT per day makes one row, one block, one part, so a reader
--   sees a whole summary or none. Recomputing a day adds a row; ReplacingMergeTree
--   (computed_at) folds them in time, and readers pick the newest *fresh* row themselves.
-- * Freshness: `stamp` is traffic_daily's sum(events) for the site and day, read before
--   the summary is computed. Rollups only grow (append-only events, deduplicated
--   replays), so an equal sum means no block has been added since. A reader uses a
--   day's summary only if its stamp equals the current sum (a few dozen traffic_daily
--   rows); otherwise that day is read from the per-visit rows, exact as before. A late
--   event for an old day thus falls back at once, until the compactor recomputes it.
-- * Why the summary holds every block its stamp counts: one insert writes its views one
--   after another, so traffic_daily may hold a block that sessions_daily does not yet.
--   The compactor therefore computes a day only once its stamp was unchanged across two
--   reads ≥ quietMs apart (30 s by default): every block counted then reached
--   traffic_daily before the first read, and all of its views within quietMs of it.
--   A block that lands in the per-visit tables before traffic_daily can make a summary
--   hold more than its stamp counts; its traffic_daily row then changes the sum, so the
--   summary is not used and is recomputed.
-- * Today (UTC) is never summarised: it changes all the time. Yesterday is, once quiet:
--   a late event makes it fall back to the per-visit rows until the next round. Rows that no longer match (a day rewritten, a
--   table rebuilt) are simply ignored by readers. No backfill: the compactor fills
--   closed days within minutes of start, newest first, a few per round.
-- * No deduplication window on purpose: the compactor shares the writer's session, whose
--   insert_deduplication_token may linger (see ARCHITECTURE.md); a recompute is never dropped.
CREATE TABLE IF NOT EXISTS {db}.visit_summaries_daily
(
    site_id      LowCardinality(String),
    day          Date,
    stamp        UInt64,
    visits       UInt64,
    bounces      UInt64,
    duration_ms  Int64,
    entry_paths  Array(String),
    entry_visits Array(UInt64),
    exit_paths   Array(String),
    exit_visits  Array(UInt64),
    computed_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day);
