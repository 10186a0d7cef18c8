import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { currencyCodes, minorUnitExponent } from './currencies.js'
import { MoneyError, amountForDuration, divideHalfEven, minorToStored, parseDecimal, toMinorUnits } from './money.js'

/** Reference rounding: the candidate integer nearest to num/den, by exact comparison; ties to the even one. */
function nearestHalfEven(num: bigint, den: bigint): bigint {
  const floor = num / den
  let best = floor - 1n
  for (const n of [floor, floor + 1n, floor + 2n]) {
    const d = abs(n * den - num) - abs(best * den - num)
    if (d < 0n || (d === 0n && n % 2n === 0n)) best = n
  }
  return best
}
const abs = (x: bigint) => (x < 0n ? -x : x)

/** Reference decimal → (integer, scale), by string surgery rather than regex groups. */
function referenceScaled(text: string): { units: bigint; scale: number } {
  const [int, frac = ''] = text.split('.')
  return { units: BigInt(`${int}${frac}`), scale: frac.length }
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })
const decimalText = fc.tuple(digits(1, 12), fc.option(digits(1, 10), { nil: undefined })).map(([i, f]) => (f === undefined ? i : `${i}.${f}`))

describe('money', () => {
  it('rounds half to even exactly, like a brute-force nearest-integer search', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), (num, den) => {
        expect(divideHalfEven(num, den)).toBe(nearestHalfEven(num, den))
      }),
    )
    expect([divideHalfEven(5n, 2n), divideHalfEven(7n, 2n), divideHalfEven(1n, 3n), divideHalfEven(2n, 3n)]).toEqual([2n, 4n, 0n, 1n])
  })

  it('computes hours × price per hour once, rounded half to even to the minor unit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 400n * 24n * 3_600_000n }), decimalText, fc.constantFrom(0, 2, 3, 4), (ms, price, exponent) => {
        const p = referenceScaled(price)
        // exact value in minor units = ms × price × 10^exp / (3.6e6 × 10^scale)
        const expected = nearestHalfEven(ms * p.units * 10n ** BigInt(exponent), 3_600_000n * 10n ** BigInt(p.scale))
        if (expected > 10n ** 17n) expect(() => amountForDuration(ms, price, exponent)).toThrow(expect.objectContaining({ code: 'too_large' }))
        else expect(amountForDuration(ms, price, exponent)).toBe(expected)
      }),
    )
    // 90 minutes at 3.33 CNY per hour = 4.995 CNY → 5.00 (half to even: 499.5 → 500); 30 min at 0.05 → 0.025 → 0.02.
    expect(amountForDuration(5_400_000n, '3.33', 2)).toBe(500n)
    expect(amountForDuration(1_800_000n, '0.05', 2)).toBe(2n)
    expect(amountForDuration(1_800_000n, '0.07', 2)).toBe(4n)
  })

  it('reads amounts as text and refuses what is finer than the minor unit', () => {
    fc.assert(
      fc.property(decimalText, fc.constantFrom(0, 2, 3, 4), (text, exponent) => {
        const { units, scale } = referenceScaled(text)
        const exact = units * 10n ** BigInt(Math.max(0, exponent - scale))
        const divisor = 10n ** BigInt(Math.max(0, scale - exponent))
        if (units % divisor === 0n) expect(toMinorUnits(text, exponent)).toBe(exact / divisor)
        else expect(() => toMinorUnits(text, exponent)).toThrow(expect.objectContaining({ code: 'finer_than_minor_unit' }))
      }),
    )
    expect(toMinorUnits('12.5', 2)).toBe(1250n)
    expect(toMinorUnits('12.500', 2)).toBe(1250n)
    expect(() => toMinorUnits('12.505', 2)).toThrow(MoneyError)
    expect(() => toMinorUnits('1.5', 0)).toThrow(MoneyError)
  })

  it('refuses anything but plain non-negative decimal text', () => {
    for (const bad of ['', '-1', '+1', '1e3', '0x10', '1.', '.5', ' 1', '1,5', 'NaN', 'Infinity', '1'.repeat(19)]) {
      expect(() => parseDecimal(bad), bad).toThrow(expect.objectContaining({ code: 'malformed' }))
    }
    expect(() => toMinorUnits('200000000000000000', 0)).toThrow(expect.objectContaining({ code: 'too_large' }))
  })

  it('writes minor units as Decimal(38, 4) text', () => {
    expect(minorToStored(1250n, 2)).toBe('12.5000')
    expect(minorToStored(-5n, 2)).toBe('-0.0500')
    expect(minorToStored(7n, 0)).toBe('7.0000')
    expect(minorToStored(1n, 4)).toBe('0.0001')
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), fc.constantFrom(0, 2, 3, 4), (minor, exponent) => {
        const back = referenceScaled(minorToStored(minor, exponent).replace('-', ''))
        expect((minor < 0n ? -1n : 1n) * back.units).toBe(minor * 10n ** BigInt(4 - exponent))
      }),
    )
  })

  it('knows ISO 4217 minor units, and no made-up or non-money codes', () => {
    expect([minorUnitExponent('CNY'), minorUnitExponent('JPY'), minorUnitExponent('KWD'), minorUnitExponent('CLF')]).toEqual([2, 0, 3, 4])
    for (const code of ['XXX', 'XTS', 'XAU', 'XDR', 'ABC', 'cny', 'HRK']) expect(minorUnitExponent(code), code).toBeUndefined()
    // Where CLDR (Node's Intl) agrees with ISO 4217 on a code's decimals, so do we. It differs on purpose for a few (IQD, ...).
    const disagreeing = currencyCodes().filter((code) => {
      const digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits
      return digits !== minorUnitExponent(code)
    })
    expect(disagreeing.length).toBeLessThan(20)
  })
})
