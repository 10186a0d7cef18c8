import fc from 'fast-check'

/**
 * fast-check generators of hostile requests to `POST /v1/batch`: arbitrary unicode
 * (every code point, plus lone surrogates and control characters injected) in every
 * string field and prop key, extreme numbers, odd ids, values at and past the limits,
 * odd envelopes, raw garbage bodies and wrong content types. Most events are mostly
 * valid, so that accepted rows exist to be read back (see fuzz-ingest.ts).
 */

const DAY = 86_400_000
/** Latest instant a DateTime64(3) column holds (2299-12-31 23:59:59.999 UTC). */
const MAX_TIME = Date.UTC(2299, 11, 31, 23, 59, 59, 999)

/** A value that goes on the wire as raw JSON text (`1e999`, `-0`), not as a string. */
const raw = (text: string) => `@@raw:${text}@@`
/** Arrays nested `depth` deep (`[[[…]]]`), written out only on the wire, so a counterexample stays short. */
const deep = (depth: number) => `@@deep:${depth}@@`
export const serialise = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/"@@raw:([^"@]*)@@"/g, '$1')
    .replace(/"@@deep:(\d+)@@"/g, (_, d: string) => '['.repeat(Number(d)) + ']'.repeat(Number(d)))

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c))
const tricky = fc.constantFrom(
  '😀', '\u200b', '\ufeff', '\u2028', '\u{10ffff}', '\ufffe', 'e\u0301', '\\', '"', "'", '\\u0000', '\\ud800',
  '%00', '%ED%A0%80', '%', ' ', '\t', '\n', '\r\n', '?utm_source=x&utm_medium=cpc', '#/route?x=1', '__proto__', 'constructor',
)
const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: control },
  { weight: 2, arbitrary: tricky },
)
/** Lengths around the limits (in code points; an emoji is two UTF-16 units and four UTF-8 bytes). */
const atLimits = fc
  .tuple(fc.constantFrom(31, 32, 33, 127, 128, 129, 200, 201, 1024, 1025, 8192, 8193, 20_000), fc.constantFrom('a', 'é', '😀', ' '))
  .map(([n, c]) => c.repeat(n))

export const hostileString = fc.oneof(
  { weight: 8, arbitrary: fc.array(fragment, { maxLength: 5 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '   ', '\t', '\u00a0') },
  { weight: 1, arbitrary: atLimits },
)
/** Printable text of every script: mostly what the collector must accept and store as sent. */
const goodString = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }))

export const extremeNumber = fc.oneof(
  fc.constantFrom(0, 1, -1, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, 1.5, 1e21, 1e-7, 0.1, MAX_TIME, MAX_TIME + 1),
  fc.constantFrom(raw('-0'), raw('1e999'), raw('-1e999'), raw('2e-400'), raw('9007199254740993'), raw('123456789012345678901234567890'), raw('1E3'), raw('1.0')),
  fc.constantFrom('NaN', 'Infinity', '1e3', '12', null, true),
  fc.double(),
  fc.integer(),
)

const uuid = fc.noBias(fc.uuid({ version: 4 }))
export const oddId = fc.oneof(
  uuid.map((s) => s.toUpperCase()),
  uuid.map((s) => `{${s}}`),
  uuid.map((s) => s.replace(/-/g, '')),
  uuid.map((s) => `urn:uuid:${s}`),
  uuid.map((s) => ` ${s}`),
  uuid.map((s) => `${s}\u0000`),
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
  fc.uuid(),
  hostileString,
  extremeNumber,
)

/** Mostly the good value, sometimes a hostile one, sometimes absent (`undefined` is dropped by JSON). */
const field = <T>(good: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown> = hostileString, optional = true) =>
  fc.oneof({ weight: 12, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: hostile }, { weight: optional ? 2 : 0, arbitrary: fc.constant(undefined) })

const propKey = fc.oneof(
  { weight: 6, arbitrary: goodString },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', 'a'.repeat(128), 'a'.repeat(129), '😀'.repeat(64), '1', '-0') },
)
const propValue = fc.oneof(
  { weight: 5, arbitrary: goodString },
  { weight: 3, arbitrary: extremeNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom({ nested: 1 }, [1, 2], {}, []) },
)
/** One more than the 64 props an event may carry. */
const tooManyProps = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]))
/** Built from entries, so `__proto__` becomes an own key as JSON.parse makes it. */
const props = fc.array(fc.tuple(propKey, propValue), { maxLength: 8 }).map((entries) => Object.fromEntries(entries))

const nowOffset = (min: number, max: number) => fc.integer({ min, max }).map((d) => Date.now() + d)

export const hostileEvent = fc.record(
  {
    id: field(uuid, oddId, false),
    type: field(fc.constantFrom('pageview', 'track', 'identify'), fc.oneof(hostileString, fc.constantFrom('order', 'PAGEVIEW')), false),
    name: field(goodString, hostileString, false),
    ts: field(nowOffset(-40 * DAY, 2 * 60_000), extremeNumber, false),
    anon_id: field(goodString),
    session_id: field(goodString),
    user_id: field(goodString),
    url: field(goodString.map((s) => `https://shop.example/${s}`)),
    referrer: field(fc.constantFrom('https://www.google.com/', 'android-app://com.google.android.gm', '')),
    title: field(fc.oneof(goodString, goodString.map((s) => `${s}\n\t${s}\r`))),
    screen: field(fc.constantFrom('1440x900', '390x844')),
    locale: field(fc.constantFrom('en-GB', 'zh-Hans-CN')),
    timezone: field(fc.constantFrom('Europe/Paris', 'Asia/Shanghai')),
    props: field(props, fc.oneof(props, hostileString, fc.constantFrom(null, [], 1, tooManyProps))),
  },
  { noNullPrototype: true },
)

/** An event that is not an object at all, or nested deeper than anything can serialise. */
const notAnEvent = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, 'hello', 1, []), fc.integer({ min: 10_000, max: 120_000 }).map(deep))

export type TokenPlace = 'header' | 'body' | 'both' | 'none' | 'garbage-body' | 'garbage-header' | 'other-site' | 'expired' | 'scope'
/** What a header can carry (fetch refuses the rest before sending). */
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '')

export const hostileBatch = fc.record({
  kind: fc.constant('batch' as const),
  envelope: fc.record(
    {
      sent_at: field(nowOffset(-5_000, 5_000), extremeNumber),
      source: field(fc.constant(undefined), fc.oneof(fc.constantFrom('browser', 'app', 'server', 'SERVER', '', 1, null), hostileString)),
      events: fc.oneof(
        { weight: 20, arbitrary: fc.array(fc.oneof({ weight: 12, arbitrary: hostileEvent }, { weight: 1, arbitrary: notAnEvent }), { minLength: 1, maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom([], {}, 'events', null, Array.from({ length: 501 }, () => ({}))) },
      ),
      extra: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
    },
    { requiredKeys: ['events'], noNullPrototype: true },
  ),
  token: fc.constantFrom<TokenPlace>('header', 'header', 'header', 'header', 'body', 'both', 'none', 'garbage-body', 'garbage-header', 'other-site', 'expired', 'scope'),
  garbageToken: hostileString,
  origin: fc.constantFrom(undefined, undefined, 'https://shop.example', 'null', 'https://evil.example', 'https://shop.example/', 'http://[::1]'),
  contentType: fc.constantFrom('text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=latin1'),
  userAgent: fc.oneof(fc.constantFrom('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'Googlebot/2.1', ''), fc.string({ unit: 'binary-ascii', maxLength: 300 }).map(printable)),
})
export type HostileBatch = typeof hostileBatch extends fc.Arbitrary<infer T> ? T : never

/** Bodies that are not a batch: random bytes, invalid UTF-8 inside a batch, truncated or deeply nested JSON. */
export const rawBody = fc.record({
  kind: fc.constant('raw' as const),
  body: fc.oneof(
    fc.uint8Array({ maxLength: 2_000 }),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(serialise(v) ?? '')),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bad) => Buffer.concat([Buffer.from(`{"sent_at":${Date.now()},"events":[{"id":"${crypto.randomUUID()}","type":"track","name":"x`), Buffer.from(bad), Buffer.from(`","ts":${Date.now()}}]}`)])),
    fc.integer({ min: 1, max: 200 }).map((n) => Buffer.from(`{"sent_at":${Date.now()},"events":[${'{"id":"a",'.repeat(n)}`)),
    fc.integer({ min: 1_000, max: 200_000 }).map((d) => Buffer.from(`{"sent_at":${Date.now()},"events":[${'['.repeat(d)}${']'.repeat(d)}]}`)),
  ),
  contentType: fc.constantFrom('text/plain', 'application/json', 'application/octet-stream', ''),
})
export type RawBody = typeof rawBody extends fc.Arbitrary<infer T> ? T : never

export const hostileRequest = fc.oneof({ weight: 5, arbitrary: hostileBatch }, { weight: 1, arbitrary: rawBody })
export type HostileRequest = HostileBatch | RawBody
