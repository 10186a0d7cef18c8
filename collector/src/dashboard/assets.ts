import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DASHBOARD_DIR = join(fileURLToPath(import.meta.url), '..', '..', '..', 'dashboard')
/** Built by collector/scripts/build-dashboard.mjs (part of `npm run build`). */
export const DIST_DIR = join(DASHBOARD_DIR, 'dist')

export interface Asset {
  body: Buffer
  type: string
  /** Short content hash: the `?v=` of the page's links, so the file can be cached for good. */
  hash: string
}

const TYPES: Record<string, string> = { js: 'application/javascript; charset=utf-8', css: 'text/css; charset=utf-8' }
/** The files a page may load, and nothing else (no path from the request reaches the disk). */
export const ASSET_NAMES = ['analytics.js', 'analytics.css', 'screen.js', 'screen.css'] as const

/**
 * The dashboard's pages and bundles, read once (after `npm run build`). A page is its
 * HTML with `{{name}}` replaced by `/dashboard/assets/name?v=<hash>`.
 */
export class DashboardAssets {
  private assets = new Map<string, Asset>()
  private pages = new Map<string, string>()

  asset(name: string): Asset | undefined {
    if (!(ASSET_NAMES as readonly string[]).includes(name)) return undefined
    if (!this.assets.has(name)) {
      const path = join(DIST_DIR, name)
      if (!existsSync(path)) return undefined
      const body = readFileSync(path)
      this.assets.set(name, { body, type: TYPES[name.split('.').pop()!]!, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) })
    }
    return this.assets.get(name)
  }

  /** `analytics` or `screen`: its HTML, or undefined when the bundles are not built. */
  page(name: 'analytics' | 'screen'): string | undefined {
    if (!this.pages.has(name)) {
      const js = this.asset(`${name}.js`)
      const css = this.asset(`${name}.css`)
      if (!js || !css) return undefined
      const html = readFileSync(join(DASHBOARD_DIR, `${name}.html`), 'utf8')
        .replace('{{css}}', `/dashboard/assets/${name}.css?v=${css.hash}`)
        .replace('{{js}}', `/dashboard/assets/${name}.js?v=${js.hash}`)
      this.pages.set(name, html)
    }
    return this.pages.get(name)
  }
}
