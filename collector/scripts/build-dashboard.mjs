// Builds the dashboard's two pages' bundles into collector/dashboard/dist/ with esbuild
// (analytics.{js,css}, screen.{js,css}): uPlot and our code, minified, no CDN. The
// collector serves them with a content hash, cached for good. Prints their gzip sizes.
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dashboard')
const out = join(dir, 'dist')
await build({
  entryPoints: { analytics: join(dir, 'src/analytics/main.ts'), screen: join(dir, 'src/screen/main.ts') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
})
const size = (name) => {
  const body = readFileSync(join(out, name))
  return `${name} ${(body.length / 1024).toFixed(1)} KB raw, ${(gzipSync(body, { level: 9 }).length / 1024).toFixed(1)} KB gzip`
}
console.log(['analytics.js', 'analytics.css', 'screen.js', 'screen.css'].map(size).join('\n'))
