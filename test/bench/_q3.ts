import { breakdowns } from '../../collector/src/dashboard/queries/breakdowns.js'
import { totals } from '../../collector/src/dashboard/queries/totals.js'
import { windowRows } from '../../collector/src/dashboard/queries/time-window.js'
const w = windowRows('tally', { columns: 'dim, value, parent, pageviews AS pv, visitors AS uv', where: 'dim IN {dims:Array(String)}' })
console.log(JSON.stringify([breakdowns.sql('tally'), totals.sql('tally'), `SELECT count(), uniqCombinedMerge(14)(uv) FROM (${w})`, `SELECT count() FROM (${w})`]))
