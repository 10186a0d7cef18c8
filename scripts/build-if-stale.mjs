// Builds the SDKs and the dashboard's bundles (`npm run build`) unless their dist/ is newer than every input, so a
// second `npm start` starts in seconds instead of rebuilding. `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// sdk-node bundles the browser core and the collector's protocol constants.
const inputs = ['sdk-browser/src', 'sdk-browser/rollup.config.mjs', 'sdk-browser/package.json', 'sdk-browser/scripts', 'sdk-node/src', 'sdk-node/rollup.config.mjs', 'sdk-node/package.json', 'sdk-node/tsconfig.build.json', 'collector/src/protocol', 'collector/dashboard/src', 'collector/dashboard/analytics.html', 'collector/dashboard/screen.html', 'collector/scripts/build-dashboard.mjs', 'package-lock.json']
const outputs = ['sdk-browser/dist/tally.js', 'sdk-browser/dist/index.mjs', 'sdk-browser/dist/core.cjs', 'sdk-node/dist/index.mjs', 'sdk-node/dist/index.cjs', 'collector/dashboard/dist/analytics.js', 'collector/dashboard/dist/screen.js']

/** Newest modification time under a file or folder (0 when absent). */
function newest(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((n, name) => Math.max(n, newest(join(path, name))), stat.mtimeMs)
}

const built = Math.min(...outputs.map((p) => (existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0)))
const changed = Math.max(...inputs.map((p) => newest(join(root, p))))
if (process.argv.includes('--force') || built === 0 || changed > built) {
  execSync('npm run --silent build', { cwd: root, stdio: 'inherit' })
}
