/**
 * The script tag build (`dist/tally.js`):
 *
 *     <script defer src="https://collector.example.com/tally.js"
 *             data-token-url="/api/tally-token" data-outbound data-downloads></script>
 *
 * Attributes (all optional): `data-api` (collector URL; default: this script's origin),
 * `data-token-url` (default `/tally/token`), `data-site`, `data-manual`, `data-hash`,
 * `data-outbound`, `data-downloads` (`"pdf,zip"`; empty: the default list),
 * `data-no-engagement`, `data-local`, `data-dnt`, `data-persistence="none"`.
 *
 * Exposes `window.tally` (see `Tally`). Calls made before it loaded through the stub
 * `window.tally = window.tally || { q: [] }; tally.q.push(['track', ['signup']])`
 * are replayed.
 */
import { createTally, type Tally } from './tracker.js'

type Stub = { q?: [keyof Tally, unknown[]][] }

try {
  const s = document.currentScript as HTMLScriptElement
  const a = (k: string) => s.getAttribute('data-' + k)
  const has = (k: string) => s.hasAttribute('data-' + k)
  const dl = a('downloads')
  const w = window as unknown as { tally?: Tally & Stub }
  const stub = w.tally
  const t = (w.tally = createTally({
    endpoint: a('api') || new URL(s.src).origin,
    tokenUrl: a('token-url') || undefined,
    site: a('site') || undefined,
    pageviews: !has('manual'),
    hash: has('hash'),
    outbound: has('outbound'),
    downloads: dl ? dl.split(',') : dl != null,
    engagement: !has('no-engagement'),
    trackLocalhost: has('local'),
    respectDnt: has('dnt'),
    persistence: a('persistence') == 'none' ? 'none' : 'local',
  }))
  if (stub && stub.q) for (const [m, args] of stub.q) (t[m] as (...a: unknown[]) => void)(...args)
} catch {
  /* never into the host page */
}
