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
// The same, or any surrogate: one scan that most strings pass, the hot path.
const IDENTIFIER_SUSPECT = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/
const TEXT_SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff]/
/** Something other than white space (a name or key of spaces only names nothing). */
const NOT_BLANK = /\S/

// Node 20 has String.prototype.isWellFormed; the ES2022 lib this project compiles against does not declare it.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed()

/** How a string field is checked: see the rules above. */
export type StringKind = 'identifier' | 'name' | 'text'

const RULES: Record<StringKind, { suspect: RegExp; control: RegExp; notBlank: boolean }> = {
  identifier: { suspect: IDENTIFIER_SUSPECT, control: IDENTIFIER_CONTROL, notBlank: false },
  /** An identifier that must name something: not '' nor white space only. */
  name: { suspect: IDENTIFIER_SUSPECT, control: IDENTIFIER_CONTROL, notBlank: true },
  text: { suspect: TEXT_SUSPECT, control: TEXT_CONTROL, notBlank: false },
}

/** What is wrong with `s` as a string of this kind, or undefined. */
export function stringProblem(s: string, kind: StringKind): string | undefined {
  const rules = RULES[kind]
  if (rules.suspect.test(s)) {
    if (!isWellFormed(s)) return 'is not well-formed UTF-16 (a lone surrogate)'
    if (rules.control.test(s)) return 'holds a control character'
  }
  if (rules.notBlank && !NOT_BLANK.test(s)) return 'is empty or white space only'
  return undefined
}

export interface StringRules {
  /** Top-level fields and their kind. */
  fields: Record<string, StringKind>
  /** The field holding props, and the kind of their keys and string values. */
  props?: { field: string; key: StringKind; value: StringKind }
}

/**
 * The rules of an object's string fields as one zod check over the whole object: one
 * check per event instead of one per string keeps validation cheap on the hot path.
 * Each issue names its field (and prop key), so reasons stay `invalid:<field>`.
 */
export function checkStrings(rules: StringRules) {
  const fields = Object.entries(rules.fields)
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const [field, kind] of fields) {
      const s = value[field]
      const message = typeof s === 'string' ? stringProblem(s, kind) : undefined
      if (message) ctx.addIssue({ code: 'custom', message, path: [field] })
    }
    const props = rules.props && value[rules.props.field]
    if (!rules.props || typeof props !== 'object' || props === null) return
    for (const key of Object.keys(props)) {
      const keyProblem = stringProblem(key, rules.props.key)
      if (keyProblem) ctx.addIssue({ code: 'custom', message: `key ${keyProblem}`, path: [rules.props.field, key] })
      const v = (props as Record<string, unknown>)[key]
      const valueProblem = typeof v === 'string' ? stringProblem(v, rules.props.value) : undefined
      if (valueProblem) ctx.addIssue({ code: 'custom', message: valueProblem, path: [rules.props.field, key] })
    }
  }
}

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
