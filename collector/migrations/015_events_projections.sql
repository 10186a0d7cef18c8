-- Filtered dashboard views read raw events (the rollups cannot cut by a second
-- dimension). events is sorted (site_id, ts), so a page filter read every granule of the
-- range: on 10 M events a 30-day page-filtered panel decompressed ~375 MB to keep 0.5 %
-- of the rows. Two projections keep the same rows in another order, inside each part,
-- written with every insert (ClickHouse picks one when it reads fewer marks; results are
-- the same either way):
--   events_by_path: the columns the filtered panels read, sorted by page, so a page
--     filter reads only that page's rows;
--   events_by_name: the few columns a goal filter's visitor set needs, sorted by event
--     name, so finding who sent `signup` reads only those events.
-- Together they take about three quarters more disk than events alone (the dashboard
-- bench's 10 M events: 129 + 99 MB next to 292 MB).
-- A lightweight DELETE on events (erasing a visitor) drops both projections of the parts it
-- touches: those parts are then read from the main table, exact. `MATERIALIZE PROJECTION`
-- skips a part that still carries a deletion mask, so restoring them is
--   ALTER TABLE events APPLY DELETED MASK, then ALTER TABLE events MATERIALIZE PROJECTION …
-- (for both), or a merge of the part. Without the setting ClickHouse refuses the DELETE;
-- its 'rebuild' mode still counted deleted rows through the projection on this engine
-- (26.7) until the part merged.
-- ts is sorted within each site of a part: DoubleDelta stores it in a fraction of the bytes
-- (47 MB → 0.2 MB for 10 M events), so every raw range scan reads less. Parts written
-- before keep their old codec until a merge rewrites them.
ALTER TABLE {db}.events MODIFY SETTING lightweight_mutation_projection_mode = 'drop';

ALTER TABLE {db}.events MODIFY COLUMN ts DateTime64(3, 'UTC') CODEC(DoubleDelta, LZ4);

ALTER TABLE {db}.events ADD PROJECTION IF NOT EXISTS events_by_path (
    SELECT site_id, ts, is_bot, type, name, visitor_id, session_id, path, channel, referrer_host,
           utm_source, utm_medium, utm_campaign, country, region, browser, os, device_type
    ORDER BY site_id, path, ts
);

ALTER TABLE {db}.events ADD PROJECTION IF NOT EXISTS events_by_name (
    SELECT site_id, ts, is_bot, type, name, visitor_id
    ORDER BY site_id, name, ts
);

-- Existing parts get the projections in the background: mutations (~20 s per 10 M events
-- here), not waited for (the embedded engine waits by default), so an upgrade does not hold
-- the collector's start; they run in order. Queries stay exact meanwhile, reading the main
-- table for the parts without them; `SELECT * FROM system.mutations WHERE NOT is_done`
-- shows the progress. Deleted rows are applied first: a part with a deletion mask (a DELETE
-- before this upgrade) would get no projection.
ALTER TABLE {db}.events APPLY DELETED MASK SETTINGS mutations_sync = 0;

ALTER TABLE {db}.events MATERIALIZE PROJECTION events_by_path SETTINGS mutations_sync = 0;

ALTER TABLE {db}.events MATERIALIZE PROJECTION events_by_name SETTINGS mutations_sync = 0;
