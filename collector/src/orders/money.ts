import { STORED_SCALE } from './currencies.js'

/**
 * Exact money. Decimals arrive as text and become BigInt counts of a power of ten;
 * nothing here ever goes through a float.
 */

/** A non-negative decimal as text: digits, optionally a point and more digits. */
const DECIMAL = /^(\d{1,18})(?:\.(\d{1,18}))?$/

/** A decimal as an integer count of 10^-scale. */
export interface Scaled {
  units: bigint
  scale: number
}

export type MoneyErrorCode = 'malformed' | 'finer_than_minor_unit' | 'too_large'

export class MoneyError extends Error {
  constructor(
    readonly code: MoneyErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Largest amount accepted, in minor units: far below Int64 and Decimal(38, 4). */
export const MAX_MINOR_UNITS = 10n ** 17n

export function parseDecimal(text: string): Scaled {
  const match = DECIMAL.exec(text)
  if (!match) throw new MoneyError('malformed', `"${text.slice(0, 40)}" is not a decimal such as 12.50`)
  const fraction = match[2] ?? ''
  return { units: BigInt(match[1]! + fraction), scale: fraction.length }
}

/** Text as an exact count of minor units; refused when it is finer than the currency's minor unit. */
export function toMinorUnits(text: string, exponent: number): bigint {
  const { units, scale } = parseDecimal(text)
  let minor: bigint
  if (scale <= exponent) minor = units * 10n ** BigInt(exponent - scale)
  else {
    const divisor = 10n ** BigInt(scale - exponent)
    if (units % divisor !== 0n) throw new MoneyError('finer_than_minor_unit', `${text} is finer than the currency's minor unit (${exponent} decimals)`)
    minor = units / divisor
  }
  if (minor > MAX_MINOR_UNITS) throw new MoneyError('too_large', `${text} is over the largest amount accepted`)
  return minor
}

/** num / den rounded half to even (den > 0, num >= 0). */
export function divideHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den
  const twice = 2n * (num % den)
  if (twice > den || (twice === den && q % 2n === 1n)) return q + 1n
  return q
}

const MS_PER_HOUR = 3_600_000n

/** (durationMs ÷ 3,600,000) × pricePerHour, in minor units, rounded half to even once. */
export function amountForDuration(durationMs: bigint, pricePerHour: string, exponent: number): bigint {
  const price = parseDecimal(pricePerHour)
  const minor = divideHalfEven(durationMs * price.units * 10n ** BigInt(exponent), MS_PER_HOUR * 10n ** BigInt(price.scale))
  if (minor > MAX_MINOR_UNITS) throw new MoneyError('too_large', 'the amount for this duration and price is over the largest amount accepted')
  return minor
}

/** Minor units as the Decimal(38, 4) text stored in ClickHouse, e.g. 1250n, 2 → "12.5000". */
export function minorToStored(minor: bigint, exponent: number): string {
  const negative = minor < 0n
  const units = (negative ? -minor : minor) * 10n ** BigInt(STORED_SCALE - exponent)
  const digits = units.toString().padStart(STORED_SCALE + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -STORED_SCALE)}.${digits.slice(-STORED_SCALE)}`
}

