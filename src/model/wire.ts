/**
 * Shared pieces of the request parsers: strict objects, Docker fields that
 * berth accepts only at their default value, and the wording of a refused
 * body (every problem names its field).
 *
 * Docker clients send whole Go structs, so a body carries many fields at
 * their zero value (`"Binds": null`, `"Memory": 0`, `"ConsoleSize": [0, 0]`)
 * and docker-py sends `null` for what it leaves unset. Go's decoder treats
 * `null` as the zero value; so does berth. A field berth does not know is
 * an error, never silently dropped.
 */
import { z } from 'zod'
import { invalid } from '../errors.js'

/** Go's zero value, deep: null, false, 0, "", and arrays/structs of them. */
export const isZero = (v: unknown): boolean => {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true
  if (Array.isArray(v)) return v.every(isZero)
  if (typeof v === 'object') return Object.values(v).every(isZero)
  return false
}

/** An empty list or map (a map entry with an empty value is still an entry). */
export const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0)

const UNSUPPORTED = 'berth-unsupported'

/**
 * A Docker field berth cannot honour: accepted (and ignored) at its default
 * value, refused with "… is not supported by berth" otherwise. `why` tells
 * the user what to do instead.
 */
export const unsupported = <T extends z.ZodType>(schema: T, why?: string, isDefault: (v: unknown) => boolean = isZero) =>
  schema.nullish().refine(v => isDefault(v), { message: 'is not supported by berth', params: { [UNSUPPORTED]: why ?? '' } })

/** Shorthands for Docker's field types (all may be null, as Go decodes it). */
export const str = z.string().nullish()
export const bool = z.boolean().nullish()
export const int = z.number().int().nullish()
export const strList = z.array(z.string()).nullish()
/** A list of Docker sub-structs berth does not look into (only at its zero value). */
export const objectList = z.array(z.record(z.string(), z.unknown())).nullish()

const MAX_ISSUES = 6

const preview = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** JSON's name for a value's type. */
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

const describe = (i: z.core.$ZodIssue): string[] => {
  const at = i.path.map(String).join('.')
  if (i.code === 'unrecognized_keys') return i.keys.map(k => `unknown field "${at ? `${at}.` : ''}${k}"`)
  if (i.code === 'custom' && i.params && UNSUPPORTED in i.params) {
    const why = String(i.params[UNSUPPORTED])
    return [`${at} ${preview(i.input)} is not supported by berth${why ? ` (${why})` : ''}`]
  }
  if (i.code === 'invalid_type') {
    const expected = i.expected === 'int' ? 'integer' : i.expected
    return [`invalid type for ${at ? JSON.stringify(at) : 'the body'}: expected ${expected}, received ${typeOf(i.input)}`]
  }
  return [`${at || 'body'}: ${i.message}`]
}

/** Turns a zod failure into berth's InvalidParameter error, naming each field. */
export const wireError = (what: string, err: z.ZodError) => {
  const parts = err.issues.flatMap(describe)
  const more = parts.length > MAX_ISSUES ? `; and ${parts.length - MAX_ISSUES} more` : ''
  return invalid('E_BAD_REQUEST', `invalid ${what}: ${parts.slice(0, MAX_ISSUES).join('; ')}${more}`)
}

/** Parses `body` with `schema` or throws {@link wireError}. */
export const parseWire = <T extends z.ZodType>(schema: T, body: unknown, what: string): z.infer<T> => {
  const r = schema.safeParse(body, { reportInput: true })
  if (!r.success) throw wireError(what, r.error)
  return r.data
}
