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
  // Script-tag build (pages only): a blob URL ends in a random v4 UUID in every browser,
  // on http: pages too (where crypto.randomUUID is missing), in fewer bytes.
  if (!FULL) {
    const u = URL.createObjectURL(new Blob())
    URL.revokeObjectURL(u)
    return u.slice(-36)
  }
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
