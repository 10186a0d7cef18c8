/**
 * The script tag build (`dist/tally.js`):
 *
 *     <script defer src="https://collector.example.com/tally.js"
 *             data-token-url="/api/tally-token" data-outbound data-downloads></script>
 *
 * Every option of `createTally` is a `data-*` attribute in kebab case: `data-endpoint`
 * (default: this script's origin), `data-token-url` (default `/tally-token`),
 * `data-manual`, `data-hash`, `data-outbound`, `data-downloads` (or `="pdf,zip"`),
 * `data-track-localhost`, `data-respect-dnt`, `data-persistence="none"`. A boolean
 * option is on when its attribute is present.
 *
 * Exposes `window.tally` (see `Tally`). Calls made before it loaded through the stub
 * `window.tally = window.tally || { q: [] }; tally.q.push(['track', ['signup']])`
 * are replayed.
 */
import { startTally, type Tally, type TallyOptions } from './tracker.js'

type Stub = { q?: [keyof Tally, unknown[]][] }

try {
  const s = document.currentScript as HTMLScriptElement
  const o: Record<string, unknown> = { endpoint: new URL(s.src).origin }
  for (const k in s.dataset) o[k] = s.dataset[k] || true
  const w = window as unknown as { tally?: Tally & Stub }
  const stub = w.tally
  const t = (w.tally = startTally(o as unknown as TallyOptions))
  if (stub && stub.q) for (const [m, args] of stub.q) (t[m] as (...a: unknown[]) => void)(...args)
} catch {
  /* never into the host page */
}
