import { breakdowns } from '../../collector/src/dashboard/queries/breakdowns.js'
import { totals } from '../../collector/src/dashboard/queries/totals.js'
const b = breakdowns.sql('tally'), t = totals.sql('tally')
console.log(JSON.stringify([b, b + ' SETTINGS max_threads = 1', b + ' SETTINGS enable_analyzer = 0', b + ' SETTINGS use_query_cache = 0, max_threads = 2', t, t + ' SETTINGS max_threads = 1']))
