/**
 * berth's one error taxonomy (ARCHITECTURE.md "House style").
 *
 * Every error that crosses a module boundary is a {@link BerthError} with a
 * kind (which decides the HTTP status and the CLI exit code), a stable
 * machine code, a message a user can act on, and the underlying error as
 * `cause`. An error without a kind reaching the API is a bug: it is logged
 * and answered with 500.
 */
export type ErrorKind =
  | 'NotFound'
  | 'InvalidParameter'
  | 'Conflict'
  | 'Forbidden'
  | 'Unavailable'
  | 'System'

/** HTTP status for each kind, as Docker's errdefs/httpstatus maps them. */
export const httpStatus: Record<ErrorKind, number> = {
  NotFound: 404,
  InvalidParameter: 400,
  Conflict: 409,
  Forbidden: 403,
  Unavailable: 503,
  System: 500,
}

/** A classified error: kind → HTTP status, code → stable identifier. */
export class BerthError extends Error {
  override readonly name = 'BerthError'
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** Shorthand constructors; the code names the failed rule. */
export const invalid = (code: string, message: string, cause?: unknown) =>
  new BerthError('InvalidParameter', code, message, { cause })
export const notFound = (code: string, message: string) =>
  new BerthError('NotFound', code, message)
export const conflict = (code: string, message: string) =>
  new BerthError('Conflict', code, message)
export const forbidden = (code: string, message: string) =>
  new BerthError('Forbidden', code, message)
export const systemError = (code: string, message: string, cause?: unknown) =>
  new BerthError('System', code, message, { cause })

/** The message of anything thrown, for logs and aggregated errors. */
export const messageOf = (e: unknown): string =>
  e instanceof Error ? e.message : String(e)
