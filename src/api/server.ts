/**
 * HTTP/JSON over a unix socket (default /run/berth/berth.sock, mode 0660).
 * Routes come from the table in routes.ts; `POST /exec/{id}/start` upgrades
 * the connection to the multiplexed exec stream (exec-upgrade.ts).
 *
 * Hostile or broken clients get a 4xx or a closed connection, never the
 * daemon's attention for long: bodies are bounded (413, and the rest is not
 * read), headers and bodies must arrive in time (408), and nothing a client
 * sends reaches an unhandled exception.
 */
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { conflict } from '../errors.js'
import { handleUpgrade } from './exec-upgrade.js'
import { HttpError, MAX_BODY, declaredTooLarge, lingerClose, parseTarget, readBody, sendError, sendJson, tooLarge } from './http-util.js'
import { type ClientError, refuseClient } from './client-error.js'
import { ROUTES, type Services } from './routes.js'

/**
 * How long a client may take to send its request (milliseconds). Only the
 * request: a response that takes long (wait, logs --follow, exec) is not
 * cut by these.
 */
export interface ApiTimeouts {
  /** For the request line and headers (then 408 and the connection is closed). */
  readonly headersMs: number
  /** For the whole request, body included (408). At least `headersMs`. */
  readonly requestMs: number
  /** An idle keep-alive connection is closed after this (Node adds a second of grace to what it advertises). */
  readonly keepAliveMs: number
  /** How often the two deadlines above are checked (their granularity). */
  readonly checkIntervalMs: number
}

/** Production timeouts: generous for a local socket, short enough that slow clients do not pile up. */
export const DEFAULT_TIMEOUTS: ApiTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, checkIntervalMs: 1_000 }

/** What createApiServer can be told; every field has a production default. */
export interface ApiOptions {
  readonly timeouts?: Partial<ApiTimeouts>
  /** Largest request body in bytes (413 past it); default {@link MAX_BODY}. */
  readonly bodyLimit?: number
}

const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse, s: Services, log: Logger, bodyLimit: number) => {
  let target: ReturnType<typeof parseTarget>
  try {
    target = parseTarget(req.url)
  } catch (e) {
    return void sendError(res, e)
  }
  // llhttp still parses HTTP/0.9 request lines; Docker's API is HTTP/1.x.
  if (req.httpVersionMajor !== 1) {
    return sendJson(res, 505, { message: `HTTP/${req.httpVersion} is not supported: use HTTP/1.1` }, true)
  }
  const { path, query } = target
  let methodMismatch = false
  for (const route of ROUTES) {
    const m = route.path.exec(path)
    if (!m) continue
    if (route.method !== req.method) {
      methodMismatch = true
      continue
    }
    try {
      // The whole request first: one that never completes (a client gone or
      // too slow mid-body) must not act on its headers alone.
      const body = await readBody(req, bodyLimit)
      await route.handle({ req, res, params: m.slice(1), query, body }, s)
    } catch (e) {
      const known = sendError(res, e)
      if (known instanceof HttpError) log.debug({ method: req.method, path, status: known.status }, known.message)
      else if (!known || known.kind === 'System') log.error({ err: e, method: req.method, path }, 'request failed')
      else log.debug({ method: req.method, path, code: known.code }, known.message)
    }
    return
  }
  sendJson(res, methodMismatch ? 405 : 404, { message: `page not found: ${req.method} ${path}` })
}

/** The API server and its orderly stop. */
export interface ApiServer {
  readonly server: http.Server
  /**
   * Stops accepting, lets mutating requests in flight finish (at most
   * `deadlineMs`, so a crash-safe operation is not cut short needlessly),
   * then closes every connection, streams included.
   */
  shutdown(deadlineMs: number): Promise<void>
}

/** Requests that only wait or stream: not waited for at shutdown. */
const isStreaming = (req: http.IncomingMessage) => req.method === 'GET' || /\/wait(\?|$)/.test(req.url ?? '')

/** Builds the server (not yet listening). */
export const createApiServer = (s: Services, log: Logger, opts: ApiOptions = {}): ApiServer => {
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts }
  const bodyLimit = opts.bodyLimit ?? MAX_BODY
  const inflight = new Set<Promise<void>>()
  const upgraded = new Set<Duplex>()
  // The response being made on each connection (for clientError).
  const answering = new WeakMap<Duplex, http.ServerResponse>()
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A request pipelined after an answer that closed the connection (it is
    // only lingering, see lingerClose) is never acted on.
    if (req.socket.writableEnded) return void req.socket.destroy()
    // An answer sent before the request was whole (a 413, a 408): the rest
    // may never end, so the connection goes, lingering so the answer is read.
    res.once('finish', () => {
      if (req.complete) return
      req.resume()
      lingerClose(req.socket)
    })
    answering.set(req.socket, res)
    res.once('close', () => answering.get(req.socket) === res && answering.delete(req.socket))
    // A mutating request runs to its end even when its client leaves: the
    // services complete or roll back, they are never cut halfway.
    const work = dispatch(req, res, s, log, bodyLimit).catch((e: unknown) => log.error({ err: e }, 'request handling failed'))
    if (isStreaming(req)) return
    inflight.add(work)
    void work.finally(() => inflight.delete(work))
  }
  const server = http.createServer(
    {
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      keepAliveTimeout: t.keepAliveMs,
      connectionsCheckingInterval: t.checkIntervalMs,
    },
    serve,
  )
  // A client may half-close once its request is sent and still read the
  // answer; by default Node ends the connection as soon as it sees the EOF.
  ;(server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  // `Expect: 100-continue`: refuse a too large body before the client sends it.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (declaredTooLarge(req, bodyLimit)) return void sendError(res, tooLarge(bodyLimit))
    res.writeContinue()
    serve(req, res)
  })
  server.on('clientError', (e: ClientError, socket: Duplex) => refuseClient(e, socket, log, answering.get(socket)))
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket)
    socket.once('close', () => upgraded.delete(socket))
    handleUpgrade(req, socket, head, s, log, t.requestMs)
  })
  const shutdown = async (deadlineMs: number) => {
    const closed = new Promise<void>(resolve => server.close(() => resolve()))
    server.closeIdleConnections()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled([...inflight]), new Promise(r => (timer = setTimeout(r, deadlineMs)))])
    clearTimeout(timer)
    server.closeAllConnections()
    for (const socket of upgraded) socket.destroy()
    await closed
  }
  return { server, shutdown }
}

/** True when something answers on the socket (another daemon). */
const socketInUse = (path: string): Promise<boolean> =>
  new Promise(resolve => {
    const c = net.connect(path)
    c.once('connect', () => {
      c.destroy()
      resolve(true)
    })
    c.once('error', () => resolve(false))
  })

/** Listens on the unix socket: refuses to steal a live one, removes a stale one. */
export const listenUnix = async (server: http.Server, path: string, group?: number): Promise<void> => {
  if (fs.existsSync(path)) {
    if (await socketInUse(path)) throw conflict('E_DAEMON_RUNNING', `another berthd is already listening on ${path}`)
    fs.rmSync(path, { force: true })
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(path, () => resolve())
  })
  fs.chmodSync(path, 0o660)
  if (group !== undefined) fs.chownSync(path, 0, group)
}
