/**
 * ISO 4217 currency codes and their minor unit (the number of decimals), from the
 * standard's "List One: current currency & funds" as published by SIX Group, the
 * maintenance agency (https://www.six-group.com/en/products-services/financial-information/data-standards.html,
 * list_one.xml, amendments up to 2025: XCG added, ANG kept while it is withdrawn, HRK,
 * SLL, CUC and ZWL gone). Codes whose minor unit is "N.A." (gold, SDR, test codes such as
 * XTS, XXX) are left out on purpose: they are not money an order can be paid in, so an
 * order in one of them is refused. A change of the list is a one-line change here.
 */
const BY_EXPONENT: Record<0 | 2 | 3 | 4, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
    'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL ' +
    'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK ' +
    'PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
    'TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
}

const EXPONENTS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_EXPONENT).flatMap(([exponent, codes]) => codes.split(' ').map((code) => [code, Number(exponent)] as const)),
)

/** Decimals of the currency's minor unit (CNY → 2, JPY → 0, KWD → 3), or undefined for a code not in the list. */
export function minorUnitExponent(code: string): number | undefined {
  return EXPONENTS.get(code)
}

/** Every code in the table (for tests). */
export function currencyCodes(): string[] {
  return [...EXPONENTS.keys()]
}

/** Rollups store money as Decimal(38, 4): every exponent in the table fits. */
export const STORED_SCALE = 4
