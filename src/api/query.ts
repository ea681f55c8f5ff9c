/**
 * Query parameters, checked before a handler changes anything. Docker's
 * names and spellings; a parameter berth does not know is ignored (Docker
 * does the same, and clients add their own, like docker-py's `trunc_cmd`),
 * but a known one with an unreadable value, or asking for something berth
 * does not do, is a 400 rather than silently dropped.
 */
import { invalid } from '../errors.js'
import { isEmpty } from '../model/wire.js'

const TRUE = ['1', 'true', 't', 'yes', 'y', 'on']
const FALSE = ['', '0', 'false', 'f', 'no', 'n', 'off', 'none']

/** A boolean parameter (`1`, `true`, `yes` … / `0`, `false`, `no` …, any case); undefined when absent. */
export const queryBool = (q: URLSearchParams, key: string): boolean | undefined => {
  const v = q.get(key)
  if (v === null) return undefined
  const word = v.trim().toLowerCase()
  if (TRUE.includes(word)) return true
  if (FALSE.includes(word)) return false
  throw invalid('E_QUERY', `invalid value ${JSON.stringify(v)} for query parameter ${key}: expected a boolean (1, true, yes or 0, false, no)`)
}

/** A boolean parameter, false when absent. */
export const flag = (q: URLSearchParams, key: string): boolean => queryBool(q, key) ?? false

/**
 * An integer parameter, at least `min`; undefined when absent or empty.
 * `NaN`, `1e3`, `0x10`, `1.5` and values below `min` are a 400.
 */
export const queryInt = (q: URLSearchParams, key: string, min: number): number | undefined => {
  const v = q.get(key)
  if (v === null || v.trim() === '') return undefined
  const n = /^\s*[-+]?\d{1,15}\s*$/.test(v) ? Number(v) : NaN
  if (Number.isNaN(n)) throw invalid('E_QUERY', `invalid value ${JSON.stringify(v)} for query parameter ${key}: expected an integer`)
  if (n < min) throw invalid('E_QUERY', `invalid value ${JSON.stringify(v)} for query parameter ${key}: expected an integer of at least ${min}`)
  return n
}

/** A time parameter (Unix seconds, maybe fractional, as Docker's `since`/`until`); undefined when absent or empty. */
export const queryTime = (q: URLSearchParams, key: string): number | undefined => {
  const v = q.get(key)
  if (v === null || v.trim() === '') return undefined
  if (!/^\s*\d{1,12}(\.\d{1,9})?\s*$/.test(v)) {
    throw invalid('E_QUERY', `invalid value ${JSON.stringify(v)} for query parameter ${key}: expected a Unix timestamp in seconds`)
  }
  return Number(v)
}

/** A Docker parameter berth takes only at its default (`accepted` values). */
export const onlyDefault = (q: URLSearchParams, key: string, accepted: readonly string[], why?: string): void => {
  const v = q.get(key)
  if (v !== null && !accepted.includes(v.trim())) {
    throw invalid('E_QUERY_UNSUPPORTED', `query parameter ${key}=${JSON.stringify(v)} is not supported by berth${why ? ` (${why})` : ''}`)
  }
}

/** A boolean Docker parameter berth takes only when false. */
export const onlyFalse = (q: URLSearchParams, key: string, why?: string): void => {
  if (queryBool(q, key)) throw invalid('E_QUERY_UNSUPPORTED', `query parameter ${key}=${JSON.stringify(q.get(key))} is not supported by berth${why ? ` (${why})` : ''}`)
}

/**
 * `filters`: Docker's JSON map from filter name to values (`{"name":["x"]}`
 * or `{"name":{"x":true}}`). berth filters nothing, so only an empty one
 * (docker-py always sends `{}`): a filter ignored would list, or prune,
 * more than asked.
 */
export const noFilters = (q: URLSearchParams): void => {
  const text = q.get('filters')
  if (text === null || text.trim() === '') return
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw invalid('E_QUERY', `invalid filters ${JSON.stringify(text)}: expected a JSON object`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('E_QUERY', `invalid filters ${JSON.stringify(text)}: expected a JSON object`)
  }
  const used = Object.entries(parsed).filter(([, values]) => !isEmpty(values))
  if (used.length > 0) throw invalid('E_QUERY_UNSUPPORTED', `filters (${used.map(([k]) => k).join(', ')}) are not supported by berth`)
}

const WAIT_CONDITIONS = ['not-running', 'next-exit', 'removed']

/** `condition` of `POST /containers/{id}/wait`: berth waits until the process is not running. */
export const checkWaitCondition = (q: URLSearchParams): void => {
  const v = q.get('condition')
  if (v !== null && v !== '' && !WAIT_CONDITIONS.includes(v)) {
    throw invalid('E_QUERY', `invalid condition ${JSON.stringify(v)}: one of ${WAIT_CONDITIONS.join(', ')}`)
  }
  onlyDefault(q, 'condition', ['', 'not-running'])
}

/**
 * The stream selection of `GET /containers/{id}/logs`: berth keeps one
 * combined log, so both streams (or neither parameter, as the berth CLI
 * sends) and no timestamps, tail or time window.
 */
export const checkLogsQuery = (q: URLSearchParams): void => {
  const stdout = queryBool(q, 'stdout')
  const stderr = queryBool(q, 'stderr')
  if (stdout !== undefined || stderr !== undefined) {
    // Docker's reading: an absent stream is not wanted.
    if (!stdout && !stderr) throw invalid('E_QUERY', 'choose at least one of stdout and stderr')
    if (!stdout || !stderr) throw invalid('E_QUERY_UNSUPPORTED', 'only one of stdout and stderr is not supported by berth (one combined log)')
  }
  onlyFalse(q, 'timestamps')
  onlyFalse(q, 'details')
  if (q.get('tail')?.trim() !== 'all') queryInt(q, 'tail', 0)
  onlyDefault(q, 'tail', ['', 'all'])
  for (const key of ['since', 'until']) if (queryTime(q, key)) onlyDefault(q, key, [''])
}

/**
 * `GET /containers/json`: berth lists every container (or every running
 * one), so `limit` only at its "no limit" values and no `since`/`before`.
 */
export const checkListQuery = (q: URLSearchParams): void => {
  noFilters(q)
  queryBool(q, 'size') // sizes: berth containers have no filesystem of their own
  if (queryInt(q, 'limit', -1)) onlyDefault(q, 'limit', ['-1'])
  onlyDefault(q, 'since', [''])
  onlyDefault(q, 'before', [''])
}
