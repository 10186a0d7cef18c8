import { describe, expectTypeOf, it } from 'vitest'
import type * as P from '@tally/collector/protocol'
import { LIMITS } from '../../../collector/src/protocol/limits.js'
import { WIRE_LIMITS } from './types.js'
import type { BatchAccepted, ErrorBody, WireBatch, WireEvent, WireEventType, WireSource } from './types.js'

// The type check (`npm run typecheck`) fails here if the mirror drifts from the protocol.
describe('wire types mirror the collector protocol', () => {
  it('has the same shapes', () => {
    expectTypeOf<WireEvent>().toEqualTypeOf<P.WireEvent>()
    expectTypeOf<WireEventType>().toEqualTypeOf<P.WireEventType>()
    expectTypeOf<WireBatch>().toEqualTypeOf<P.WireBatch>()
    expectTypeOf<WireSource>().toEqualTypeOf<P.WireSource>()
    expectTypeOf<BatchAccepted>().toEqualTypeOf<P.BatchAccepted>()
    expectTypeOf<ErrorBody>().toEqualTypeOf<P.ErrorBody>()
  })
  it('copies the limits it uses', () => {
    for (const k of Object.keys(WIRE_LIMITS) as (keyof typeof WIRE_LIMITS)[]) {
      if (WIRE_LIMITS[k] !== LIMITS[k]) throw new Error(`WIRE_LIMITS.${k} differs from LIMITS`)
    }
  })
})
