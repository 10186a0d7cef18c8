import { timingSafeEqual } from 'node:crypto'
import { RequestError } from './errors.js'

/**
 * The admin token guards read access to everything (`/v1/sql`, `/v1/dashboard`).
 * Compared in constant time. Returns a checker that throws a 401 RequestError.
 */
export function adminCheck(adminToken: string): (authorization: string | undefined) => void {
  const expected = Buffer.from(adminToken)
  return function requireAdmin(authorization) {
    const given = Buffer.from(authorization?.replace(/^Bearer\s+/i, '') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new RequestError(401, 'ERR_UNAUTHORIZED', 'a valid admin token is required')
    }
  }
}
