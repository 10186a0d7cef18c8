import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUDGET_GZIP, sizes } from '../scripts/size.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const TAG = root + 'dist/tally.js'

// The size budget of the script-tag build, enforced in CI (`npm test` builds first).
describe('size budget', () => {
  it(`dist/tally.js is at most ${BUDGET_GZIP} bytes gzipped (zlib level 9)`, () => {
    if (!existsSync(TAG)) execFileSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit' })
    const s = sizes(TAG)
    console.log(`tally.js: ${s.raw} B raw, ${s.gzip} B gzip (budget ${BUDGET_GZIP}), ${s.brotli} B brotli`)
    expect(s.gzip).toBeLessThanOrEqual(BUDGET_GZIP)
  })
})
