/**
 * `POST /exec/{id}/start` with `Upgrade: tcp`: reads the small JSON body
 * the request may carry (Docker's ExecStartConfig), then turns the
 * connection into the exec stream (exec-stream.ts framing).
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { BerthError, httpStatus, invalid } from '../errors.js'
import { parseExecStart } from '../model/parse-exec.js'
import { shellExitCode } from '../service/processes.js'
import { STDERR, STDOUT, exitFrame, frame } from './exec-stream.js'
import { HttpError, declaredLength, parseJsonBody, refuseRaw as refuse, parseTarget, tooLarge } from './http-util.js'
import type { Services } from './routes.js'

/** Largest exec start body (Docker's is three small fields). */
const MAX_START_BODY = 64 * 1024

/**
 * The body (Content-Length bytes, from `head` and then the socket) and
 * whatever followed it (the first stdin bytes). Node's request timeouts
 * stop at the upgrade, so this has its own.
 */
const readStartBody = (req: IncomingMessage, socket: Duplex, head: Buffer, timeoutMs: number) =>
  new Promise<{ body: Buffer; rest: Buffer }>((resolve, reject) => {
    if (req.headers['transfer-encoding']) throw invalid('E_BAD_REQUEST', 'a chunked exec start body is not supported: send Content-Length')
    const length = declaredLength(req) ?? 0
    if (length > MAX_START_BODY) throw tooLarge(MAX_START_BODY)
    let buf = head
    const stop = () => {
      clearTimeout(timer)
      socket.off('data', onData).off('end', onGone).off('close', onGone)
      socket.pause()
    }
    const check = () => {
      if (buf.length < length) return
      stop()
      resolve({ body: buf.subarray(0, length), rest: buf.subarray(length) })
    }
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      check()
    }
    const onGone = () => {
      stop()
      reject(new HttpError(0, 'the client went away before sending the whole body'))
    }
    const timer = setTimeout(() => {
      stop()
      reject(new HttpError(408, 'the exec start body did not arrive in time', true))
    }, timeoutMs)
    socket.on('data', onData).on('end', onGone).on('close', onGone)
    check()
  })

/** Runs an exec over the upgraded connection; `rest` is stdin that came with the request. */
const runExec = (socket: Duplex, id: string, rest: Buffer, s: Services, log: Logger) => {
  const child = s.exec.start(id)
  socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n')
  if (rest.length > 0) socket.unshift(rest)
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

/** The server's `upgrade` handler. */
export const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, s: Services, log: Logger, bodyTimeoutMs: number): void => {
  // Node took its own error listener off the upgraded socket: without this
  // one, a client that resets the connection would crash the daemon.
  socket.on('error', e => log.debug({ err: e }, 'exec connection error'))
  let path: string
  try {
    path = parseTarget(req.url).path
  } catch (e) {
    return refuse(socket, 400, (e as Error).message)
  }
  const m = /^\/exec\/([0-9a-f]+)\/start$/.exec(path)
  if (!m?.[1] || req.method !== 'POST') return refuse(socket, 404, `page not found: ${req.method} ${path}`)
  const id = m[1]
  readStartBody(req, socket, head, bodyTimeoutMs)
    .then(({ body, rest }) => {
      parseExecStart(parseJsonBody(body, req.headers['content-type']))
      runExec(socket, id, rest, s, log)
    })
    .catch((e: unknown) => {
      if (e instanceof HttpError && e.status === 0) return void socket.destroy()
      const status = e instanceof BerthError ? httpStatus[e.kind] : e instanceof HttpError ? e.status : 500
      if (status === 500) log.error({ err: e }, 'exec start failed')
      refuse(socket, status, (e as Error).message)
    })
}
