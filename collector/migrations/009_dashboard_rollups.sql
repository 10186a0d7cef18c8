-- Rollups the dashboard needs besides 003–005 (step 7), so its unfiltered panels never
-- read raw events:
-- * session_pages_daily: each visit's entry and exit page per site × day × session
--   (argMin/argMax of path by time over its page views). Read per session, then group:
--     SELECT entry, count() FROM (SELECT argMinMerge(entry) AS entry FROM {db}.session_pages_daily
--       WHERE site_id = 'demo' AND day = today() GROUP BY session_id) GROUP BY entry
--   A visit crossing midnight (UTC) has an entry on both days, as in sessions_daily.
-- * custom_events_daily: custom events (type = 'track', the tracker's own `engagement`
--   left out) per site × day × name, with unique visitors, for goals and conversion rates.
-- Bots left out of both. Backfill: the two INSERTs at the end read events once. A rerun
-- of the session one is harmless (argMin/argMax of the same rows); the events one carries
-- a fixed insert_deduplication_token, so a migration cut short and re-run is recognised.
-- Rows another collector inserts between the views' creation and the backfill would be
-- counted twice in custom_events_daily: apply this migration with writers stopped, or
-- (cluster) once, on one node, before the collectors are upgraded.
CREATE TABLE IF NOT EXISTS {db}.session_pages_daily
(
    site_id    LowCardinality(String),
    day        Date,
    session_id String,
    entry      AggregateFunction(argMin, String, DateTime64(3, 'UTC')),
    exit       AggregateFunction(argMax, String, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, session_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.session_pages_daily_mv TO {db}.session_pages_daily AS
SELECT site_id, toDate(ts) AS day, session_id,
       argMinState(path, ts) AS entry,
       argMaxState(path, ts) AS exit
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview' AND session_id != ''
GROUP BY site_id, day, session_id;

CREATE TABLE IF NOT EXISTS {db}.custom_events_daily
(
    site_id  LowCardinality(String),
    day      Date,
    name     LowCardinality(String),
    events   SimpleAggregateFunction(sum, UInt64),
    visitors AggregateFunction(uniq, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, name)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.custom_events_daily_mv TO {db}.custom_events_daily AS
SELECT site_id, toDate(ts) AS day, name, count() AS events, uniqState(visitor_id) AS visitors
FROM {db}.events
WHERE is_bot = 0 AND type = 'track' AND name != 'engagement'
GROUP BY site_id, day, name;

INSERT INTO {db}.session_pages_daily (site_id, day, session_id, entry, exit)
SELECT site_id, toDate(ts) AS day, session_id, argMinState(path, ts), argMaxState(path, ts)
FROM {db}.events
WHERE is_bot = 0 AND type = 'pageview' AND session_id != ''
GROUP BY site_id, day, session_id;

INSERT INTO {db}.custom_events_daily (site_id, day, name, events, visitors)
SETTINGS insert_deduplication_token = '009_custom_events_backfill'
SELECT site_id, toDate(ts) AS day, name, count(), uniqState(visitor_id)
FROM {db}.events
WHERE is_bot = 0 AND type = 'track' AND name != 'engagement'
GROUP BY site_id, day, name;
