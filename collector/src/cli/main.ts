import { CliError, SQL_USAGE, sqlCommand } from './sql-command.js'

/**
 * `tally-collector <command>`: the collector package's CLI (bin/tally-collector.mjs runs
 * it through tsx). sdk-node's `tally` keeps keys and tokens; this one talks to a running collector.
 */
const [command, ...args] = process.argv.slice(2)
try {
  if (command === 'sql') await sqlCommand(args, process.env, process.stdout)
  else if (!command || command === '--help' || command === 'help') process.stdout.write(`${SQL_USAGE}\n`)
  else throw new CliError(`unknown command ${command}\n\n${SQL_USAGE}`, 2)
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = err instanceof CliError ? err.exitCode : 1
}
