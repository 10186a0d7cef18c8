import { z } from 'zod'

/**
 * What a string of the wire protocol may hold. Lengths (`max`) are Unicode code points,
 * as zod counts them: an emoji counts 1, whatever its UTF-16 or UTF-8 length.
 *
 * - Every string is well-formed UTF-16. A lone surrogate (only a JSON escape such as
 *   `"\ud800"` makes one) has no UTF-8 form: ClickHouse refuses the row ("missing second
 *   part of surrogate pair") or stores U+FFFD in its place.
 * - Identifiers (ids, names, URLs, screen, locale, time zone, prop keys) hold no control
 *   character at all: C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F). They mean
 *   nothing there, and they break logs, CSV exports and equality in dashboards.
 * - Free text (title, prop values) may hold tab, line feed and carriage return (a pasted
 *   title, a multi-line value); no other control character, NUL included.
 * Any other code point is stored as sent: emoji, combining marks, U+2028, U+FEFF, U+FFFF.
 */
const IDENTIFIER_CONTROL = /[\u0000-\u001f\u007f-\u009f]/
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
/** Something other than white space (a name or key of spaces only names nothing). */
const NOT_BLANK = /\S/

// Node 20 has String.prototype.isWellFormed; the ES2022 lib this project compiles against does not declare it.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed()

function stringRules(control: RegExp, notBlank: boolean) {
  return (s: string, ctx: z.RefinementCtx) => {
    if (!isWellFormed(s)) ctx.addIssue({ code: 'custom', message: 'is not well-formed UTF-16 (a lone surrogate)' })
    else if (control.test(s)) ctx.addIssue({ code: 'custom', message: 'holds a control character' })
    else if (notBlank && !NOT_BLANK.test(s)) ctx.addIssue({ code: 'custom', message: 'is empty or white space only' })
  }
}

export interface StringOptions {
  /** Refuse '' and white space only. */
  notBlank?: boolean
}

/** An identifier: no control character at all. */
export const identifier = (max: number, o: StringOptions = {}) => z.string().max(max).superRefine(stringRules(IDENTIFIER_CONTROL, o.notBlank ?? false))

/** Free text: tab, line feed and carriage return allowed; no other control character. */
export const freeText = (max: number) => z.string().max(max).superRefine(stringRules(TEXT_CONTROL, false))

/**
 * An event id: a UUID of RFC 9562 (versions 1–8), any case, stored lower case. The nil
 * and max UUIDs are placeholders of broken generators, not ids: every event carrying
 * one would be stored once, the others dropped as retries.
 */
const PLACEHOLDER_UUID = /^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i
export const eventId = z
  .uuid()
  .refine((s) => !PLACEHOLDER_UUID.test(s), 'the nil and max UUIDs are placeholders, not ids')
  .transform((s) => s.toLowerCase())

/** Latest instant a DateTime64(3) column holds: 2299-12-31 23:59:59.999 UTC. */
export const MAX_TIME_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999)

/** Milliseconds since the Unix epoch, an integer from 1970 to what DateTime64(3) holds. */
export const epochMs = z.number().int().min(0).max(MAX_TIME_MS)
