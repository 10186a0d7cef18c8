import { CliError, SQL_USAGE, sqlCommand } from './sql-command.js'
import { ORDERS_USAGE, ordersCommand } from './orders-command.js'
import { SHARE_USAGE, shareCommand } from './share-command.js'

/**
 * `tally-collector <command>`: the collector package's CLI (bin/tally-collector.mjs runs
 * it through tsx). sdk-node's `tally` keeps keys and tokens; this one talks to a running collector.
 */
const USAGE = `${SQL_USAGE}\n\n${ORDERS_USAGE}\n\n${SHARE_USAGE}`
const [command, ...args] = process.argv.slice(2)
try {
  if (command === 'sql') await sqlCommand(args, process.env, process.stdout)
  else if (command === 'orders') process.exitCode = await ordersCommand(args, process.env, process.stdout)
  else if (command === 'share') await shareCommand(args, process.env, process.stdout)
  else if (!command || command === '--help' || command === 'help') process.stdout.write(`${USAGE}\n`)
  else throw new CliError(`unknown command ${command}\n\n${USAGE}`, 2)
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = err instanceof CliError ? err.exitCode : 1
}
