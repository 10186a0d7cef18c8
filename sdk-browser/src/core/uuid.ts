import { FULL } from './flags.js'

/**
 * A random (version 4) UUID. Uses `crypto.randomUUID` where it exists (secure
 * contexts), else `crypto.getRandomValues` (any page, workers, React Native with a
 * polyfill), else `Math.random` as a last resort.
 *
 * @example
 * uuid() // 'f4c8c4a2-6d0e-4b7a-9f53-1f0a3c2b9d11'
 */
export function uuid(): string {
  // Script-tag build: every browser has crypto.getRandomValues, even on http: pages.
  if (!FULL)
    return ('10000000-1000-4000-8000-100000000000' as string).replace(/[018]/g, (c: any) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (c / 4)))).toString(16),
    )
  const c = (globalThis as { crypto?: Crypto }).crypto
  if (c && c.randomUUID) return c.randomUUID()
  const b = new Uint8Array(16)
  if (c && c.getRandomValues) c.getRandomValues(b)
  else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0
  b[6] = (b[6]! & 15) | 64
  b[8] = (b[8]! & 63) | 128
  let s = ''
  for (let i = 0; i < 16; i++) s += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + (b[i]! + 256).toString(16).slice(1)
  return s
}
