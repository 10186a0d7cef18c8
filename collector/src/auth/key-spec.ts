import { z } from 'zod'

/**
 * How a verification key is configured. `alg` is pinned per key: a token whose header
 * names another algorithm is refused, whatever its signature.
 * `sites` (optional) limits which sites' tokens the key may sign.
 */
const sites = z.array(z.string().min(1)).min(1).optional()

export const hmacKeySpec = z.object({
  kid: z.string().min(1),
  alg: z.literal('HS256'),
  /** The shared secret, at least 32 bytes (UTF-8). */
  secret: z.string().min(32, 'an HS256 secret needs at least 32 characters'),
  sites,
})

export const publicKeySpec = z.object({
  kid: z.string().min(1),
  alg: z.enum(['EdDSA', 'ES256']),
  /** Public JWK (OKP Ed25519 for EdDSA, EC P-256 for ES256). */
  jwk: z.record(z.string(), z.unknown()),
  sites,
})

export const jwksFileSpec = z.object({
  /** Path of a JWKS file; each key needs `kid` and `alg` (EdDSA or ES256). */
  jwks_file: z.string().min(1),
  sites,
})

export const keySpec = z.union([hmacKeySpec, publicKeySpec, jwksFileSpec])
export type KeySpec = z.infer<typeof keySpec>
