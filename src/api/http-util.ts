/**
 * Small HTTP helpers for the API server: bounded JSON bodies, JSON replies
 * and Docker's error shape `{"message": …}`.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { BerthError, httpStatus, invalid } from '../errors.js'

/** Largest request body accepted unless the server is given another limit (createApiServer's `bodyLimit`). */
export const MAX_BODY = 1 << 20

/**
 * A refusal that belongs to HTTP, not to berth's error kinds (413), or a
 * client that went away (`status` 0: nobody left to answer).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor(
    readonly status: number,
    message: string,
    /** Close the connection after answering (the rest of the body is not read). */
    readonly close = false,
  ) {
    super(message)
  }
}

/** 413, and the connection is closed: what is left of the body is never read. */
export const tooLarge = (limit = MAX_BODY) => new HttpError(413, `request body larger than ${limit} bytes`, true)

/** Docker clients prefix paths with the API version: `/v1.41/networks`. */
export const stripVersion = (path: string) => path.replace(/^\/v\d+(\.\d+)?(?=\/)/, '')

/**
 * The request target as the routes see it: path (version prefix stripped)
 * and query. A target with `.` or `..` segments (also as `%2e`) is refused,
 * not resolved: `/containers/../networks/x` must not quietly become
 * `/networks/x` (Docker's router redirects such paths instead of serving them).
 */
export const parseTarget = (target = '/'): { path: string; query: URLSearchParams } => {
  const rawPath = target.split('?', 1)[0] ?? ''
  if (rawPath.split('/').some(segment => /^(\.|%2e){1,2}$/i.test(segment))) {
    throw invalid('E_BAD_PATH', `invalid path ${JSON.stringify(rawPath)}: "." and ".." segments are not allowed`)
  }
  let url: URL
  try {
    url = new URL(target, 'http://berth')
  } catch {
    throw invalid('E_BAD_PATH', `invalid request target ${JSON.stringify(target)}`)
  }
  return { path: stripVersion(url.pathname), query: url.searchParams }
}

/** The declared body length, when there is one. */
export const declaredLength = (req: IncomingMessage): number | undefined => {
  const header = req.headers['content-length']
  return header === undefined ? undefined : Number(header)
}

/** True when the declared body is over `limit` (refused before reading it). */
export const declaredTooLarge = (req: IncomingMessage, limit: number): boolean => (declaredLength(req) ?? 0) > limit

/**
 * Reads the body (Content-Length or chunked), at most `limit` bytes: past
 * it, reading stops at once and the promise rejects with 413. A client
 * that goes away mid-body rejects with status 0.
 */
export const readBody = (req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (declaredTooLarge(req, limit)) return reject(tooLarge(limit))
    const chunks: Buffer[] = []
    let size = 0
    const done = (settle: () => void) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onClose)
      settle()
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      req.pause()
      done(() => reject(tooLarge(limit)))
    }
    const onEnd = () => done(() => resolve(Buffer.concat(chunks)))
    const onGone = () => done(() => reject(new HttpError(0, 'the client went away before sending the whole body')))
    const onClose = () => !req.complete && onGone()
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onClose)
  })

/** Deepest nesting of arrays/objects accepted (a deep body would only exhaust the parsers' stacks). */
export const MAX_DEPTH = 64

/** How deep `v` nests, counted without recursion, stopping past `limit`. */
const depthOver = (v: unknown, limit: number): boolean => {
  let level: unknown[] = [v]
  for (let depth = 0; level.length > 0; depth++) {
    if (depth > limit) return true
    level = level.flatMap(x => (typeof x === 'object' && x !== null ? Object.values(x) : []))
  }
  return false
}

/** `application/json`, optionally `+json` or with parameters (`; charset=utf-8`). */
const isJsonType = (contentType: string) => /^application\/([\w.-]+\+)?json\s*(;.*)?$/i.test(contentType.trim())

/**
 * Parses a request body as JSON (pure): an empty body is `undefined`; a
 * body that is not UTF-8, declares another Content-Type, is not JSON or
 * nests deeper than {@link MAX_DEPTH} is a 400 naming the problem.
 */
export const parseJsonBody = (body: Buffer, contentType?: string): unknown => {
  if (body.length === 0) return undefined
  if (contentType !== undefined && contentType !== '' && !isJsonType(contentType)) {
    throw invalid('E_BAD_CONTENT_TYPE', `unsupported Content-Type ${JSON.stringify(contentType)}: the body must be application/json`)
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body).trim()
  } catch {
    throw invalid('E_BAD_JSON', 'invalid JSON body: not UTF-8 text')
  }
  if (text === '') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw invalid('E_BAD_JSON', `invalid JSON body: ${(e as Error).message}`)
  }
  if (depthOver(parsed, MAX_DEPTH)) throw invalid('E_BAD_JSON', `invalid JSON body: nested deeper than ${MAX_DEPTH} levels`)
  return parsed
}

/**
 * Answers with a whole error response written as raw bytes and closes the
 * connection: for a socket Node's HTTP server no longer writes for (a
 * parser error, an upgraded connection).
 */
export const refuseRaw = (socket: Duplex, status: number, message: string): void => {
  const body = JSON.stringify({ message })
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
  lingerClose(socket)
}

/** How long a closing connection's late bytes are still read (and dropped). */
export const LINGER_MS = 1000

/**
 * Closes a connection whose client may still be sending (a refused or
 * timed-out request): our side ends now, so the client reads the answer and
 * then EOF; what it still sends is read and dropped for {@link LINGER_MS},
 * then the connection is destroyed. Destroyed at once, the client's next
 * write would fail (EPIPE) and its socket be torn down before it read the
 * answer (Apache's "lingering close", Go's closeWriteAndWait).
 */
export const lingerClose = (socket: Duplex): void => {
  // Node's destroySoon() (a `Connection: close` response) destroys on 'finish'.
  socket.removeListener('finish', socket.destroy)
  if (!socket.writableEnded) socket.end()
  socket.resume()
  setTimeout(() => socket.destroy(), LINGER_MS).unref()
}

/** Sends a JSON reply (`close`: and closes the connection after it). */
export const sendJson = (res: ServerResponse, status: number, body: unknown, close = false): void => {
  const data = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(data),
    ...(close ? { Connection: 'close' } : {}),
  })
  res.end(data)
}

/** Sends an error in Docker's shape; unclassified errors are 500s. */
export const sendError = (res: ServerResponse, e: unknown): BerthError | HttpError | undefined => {
  const known = e instanceof BerthError || e instanceof HttpError ? e : undefined
  if (known instanceof HttpError && known.status === 0) return known
  const status = known instanceof BerthError ? httpStatus[known.kind] : known ? known.status : 500
  const close = known instanceof HttpError && known.close
  if (!res.headersSent) sendJson(res, status, { message: known ? known.message : `internal error: ${(e as Error)?.message ?? e}` }, close)
  else res.destroy()
  return known
}
