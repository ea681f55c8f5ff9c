/**
 * HTTP/JSON over a unix socket (default /run/berth/berth.sock, mode 0660).
 * Routes come from the table in routes.ts; `POST /exec/{id}/start` upgrades
 * the connection to the multiplexed exec stream.
 */
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { BerthError, conflict, httpStatus } from '../errors.js'
import { shellExitCode } from '../service/processes.js'
import { STDERR, STDOUT, exitFrame, frame } from './exec-stream.js'
import { sendError, sendJson } from './http-util.js'
import { ROUTES, type Services } from './routes.js'

/** Docker clients prefix paths with the API version: `/v1.41/networks`. */
const stripVersion = (path: string) => path.replace(/^\/v\d+(\.\d+)?(?=\/)/, '')

const dispatch = async (req: http.IncomingMessage, res: http.ServerResponse, s: Services, log: Logger) => {
  const url = new URL(req.url ?? '/', 'http://berth')
  const path = stripVersion(url.pathname)
  let methodMismatch = false
  for (const route of ROUTES) {
    const m = route.path.exec(path)
    if (!m) continue
    if (route.method !== req.method) {
      methodMismatch = true
      continue
    }
    try {
      await route.handle({ req, res, params: m.slice(1), query: url.searchParams }, s)
    } catch (e) {
      const known = sendError(res, e)
      if (!known || known.kind === 'System') log.error({ err: e, method: req.method, path }, 'request failed')
      else log.debug({ method: req.method, path, code: known.code }, known.message)
    }
    return
  }
  sendJson(res, methodMismatch ? 405 : 404, { message: `page not found: ${req.method} ${path}` })
}

/** Runs an exec over an upgraded connection. */
const runExec = (socket: Duplex, id: string, s: Services, log: Logger) => {
  let child
  try {
    child = s.exec.start(id)
  } catch (e) {
    const status = e instanceof BerthError ? httpStatus[e.kind] : 500
    socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ message: (e as Error).message })}`)
    return
  }
  socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n')
  socket.pipe(child.stdin)
  child.stdin.on('error', () => undefined) // the command may exit before reading stdin
  child.stdout.on('data', (d: Buffer) => socket.write(frame(STDOUT, d)))
  child.stderr.on('data', (d: Buffer) => socket.write(frame(STDERR, d)))
  // A client that goes away takes its command with it (no orphans in the netns).
  const abandon = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')
  socket.on('error', abandon)
  socket.on('close', abandon)
  child.on('error', e => log.warn({ err: e }, 'exec failed to start'))
  child.on('close', (code, signal) => socket.end(exitFrame(shellExitCode(code, signal))))
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
export const createApiServer = (s: Services, log: Logger): ApiServer => {
  const inflight = new Set<Promise<void>>()
  const upgraded = new Set<Duplex>()
  const server = http.createServer((req, res) => {
    const work = dispatch(req, res, s, log)
    if (isStreaming(req)) return
    inflight.add(work)
    void work.finally(() => inflight.delete(work))
  })
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    upgraded.add(socket)
    socket.once('close', () => upgraded.delete(socket))
    const m = /^\/exec\/([0-9a-f]+)\/start$/.exec(stripVersion(new URL(req.url ?? '/', 'http://berth').pathname))
    if (!m?.[1] || req.method !== 'POST') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    runExec(socket, m[1], s, log)
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
