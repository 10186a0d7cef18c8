// Prints the size of each build: raw, gzip (zlib level 9) and brotli (quality 11).
// The budget of the script-tag build (dist/tally.js) is enforced by src/size.test.ts.
import { readFileSync, existsSync } from 'node:fs'
import { gzipSync, brotliCompressSync, constants } from 'node:zlib'
import { fileURLToPath } from 'node:url'

// 3,584 B from step 4 (was 3,072 B): room for exactly-once resends, client sessions, static-site tokens and first-party paths.
export const BUDGET_GZIP = 3584
const dist = fileURLToPath(new URL('../dist/', import.meta.url))

/** Sizes of one file, in bytes. */
export function sizes(path) {
  const b = readFileSync(path)
  return {
    raw: b.length,
    gzip: gzipSync(b, { level: 9 }).length,
    brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  }
}

const kb = (n) => `${(n / 1024).toFixed(2).padStart(6)} KB (${String(n).padStart(5)} B)`

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const f of ['tally.js', 'index.mjs', 'core.mjs']) {
    if (!existsSync(dist + f)) continue
    const s = sizes(dist + f)
    const budget = f === 'tally.js' ? `  (budget ${kb(BUDGET_GZIP)} gzip${s.gzip > BUDGET_GZIP ? ' — OVER' : ''})` : ''
    console.log(`${f.padEnd(10)} ${kb(s.raw)} raw  ${kb(s.gzip)} gzip  ${kb(s.brotli)} brotli${budget}`)
  }
}
