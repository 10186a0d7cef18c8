-- Visits (sessions): one aggregated row per site × day × session, from which the
-- visits_daily view derives visits, bounce rate and visit duration. A session that
-- crosses midnight (UTC) counts on both days. Bots left out.
CREATE TABLE IF NOT EXISTS {db}.sessions_daily
(
    site_id    LowCardinality(String),
    day        Date,
    session_id String,
    visitor_id SimpleAggregateFunction(any, String),
    pageviews  SimpleAggregateFunction(sum, UInt64),
    events     SimpleAggregateFunction(sum, UInt64),
    started    SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    ended      SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, day, session_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.sessions_daily_mv TO {db}.sessions_daily AS
SELECT site_id, toDate(ts) AS day, session_id,
       any(visitor_id) AS visitor_id,
       countIf(type = 'pageview') AS pageviews,
       count() AS events,
       min(ts) AS started,
       max(ts) AS ended
FROM {db}.events
WHERE is_bot = 0 AND session_id != ''
GROUP BY site_id, day, session_id;

-- visits_daily: visits, bounces (visits with one page view), bounce rate and mean
-- visit duration in seconds, per site and day. Filter it like a table.
CREATE VIEW IF NOT EXISTS {db}.visits_daily AS
SELECT
    site_id,
    day,
    count() AS visits,
    countIf(pageviews = 1) AS bounces,
    round(bounces / visits, 4) AS bounce_rate,
    round(avg(dateDiff('millisecond', started, ended)) / 1000, 1) AS avg_duration_s
FROM
(
    SELECT site_id, day, session_id, sum(pageviews) AS pageviews, min(started) AS started, max(ended) AS ended
    FROM {db}.sessions_daily
    GROUP BY site_id, day, session_id
)
WHERE pageviews > 0
GROUP BY site_id, day;
