import type { DashboardQuery } from './query.js'

/**
 * A site's data version: two counters that only grow, so any change of either means the
 * dashboard's numbers may have changed. `events`: every stored non-bot event of any day
 * (traffic_daily over all days, so a late event with an old `ts` counts too; one row per
 * day once merged). `order_changes`: every order_ledger row (each applied version writes
 * a retraction and a new row, a reconciliation repair one more; a province move or a
 * refund is seen even where the revenue sums stay equal); one primary-key range, only
 * `site_id` read. Bots and rejected events are shown nowhere on the page, so not counted.
 * Counts as text (the same JSON from either engine). Read every 250 ms per watched site
 * (not per viewer) by the `/v1/dashboard/changes` feed.
 */
export const dataVersion: DashboardQuery = {
  name: 'data_version',
  reads: 'ledger',
  sql: (db) => `
    SELECT toString((SELECT sum(events) FROM ${db}.traffic_daily WHERE site_id = {site:String})) AS events,
           toString((SELECT count() FROM ${db}.order_ledger WHERE site_id = {site:String})) AS order_changes`,
}
