-- 013 copied the value-first breakdown rollups of 011 into breakdown_by_{hour,day,week};
-- their views are gone, so nothing writes these tables any more. Dropped in a migration of
-- their own so that a re-run of 013 (cut short before it was recorded) still finds its source.
DROP TABLE IF EXISTS {db}.breakdown_hourly;

DROP TABLE IF EXISTS {db}.breakdown_daily;

DROP TABLE IF EXISTS {db}.breakdown_weekly;
