/** Numbers in the viewer's locale (the browser's), money per currency, never summed across currencies. */
const locale = navigator.language || 'en-US'
const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })
const compact = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 })
const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })
const signedPercent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' })
const regions = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames([locale], { type: 'region' }) : undefined
const moneyFormats = new Map<string, Intl.NumberFormat>()

export const formatInt = (n: number | string): string => integer.format(Number(n))
export const formatCompact = (n: number | string): string => compact.format(Number(n))
export const formatPercent = (ratio: number): string => percent.format(ratio)

/** Money from exact decimal text: Intl formats the string itself, so no float rounding shows. */
export function formatMoney(amount: string | number, currency: string): string {
  let f = moneyFormats.get(currency)
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency })
    moneyFormats.set(currency, f)
  }
  return f.format(amount as unknown as number)
}

/** Seconds as `1m 05s` / `45s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}

/** Change against the previous period as a signed percentage; '' when there is nothing to compare with. */
export function formatChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '' : 'new'
  return signedPercent.format((now - before) / before)
}

/** A country's name from its ISO code (`DE` → Germany), the code when unknown. */
export function countryName(code: string): string {
  if (!/^[A-Z]{2}$/.test(code)) return code || '(unknown)'
  try {
    return regions?.of(code) ?? code
  } catch {
    return code
  }
}
