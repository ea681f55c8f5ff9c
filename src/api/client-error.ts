/**
 * What a client that does not speak HTTP/1.1 gets: Node's parser refuses
 * the bytes (garbage, an HTTP/0.9 line, an unknown method, headers too
 * large or too slow) and hands the socket here. The answer is Docker's
 * `{"message": …}` with a 4xx, when nothing was sent on that connection yet,
 * and then the connection is closed. Nothing reaches a route.
 *
 * Be aware: a request that timed out mid-body gets its 408 only when no
 * response was begun; otherwise the connection is just closed.
 */
import type { ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { refuseRaw, sendJson } from './http-util.js'

/** The error Node's HTTP server passes to `clientError` (llhttp's code and reason). */
export type ClientError = Error & { code?: string; reason?: string; bytesParsed?: number }

/** Status and message for a parser or timeout error. */
export const describeClientError = (e: ClientError): { status: number; message: string } => {
  switch (e.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'request headers too large' }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'chunk extensions too large' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'the request did not arrive in time' }
    default:
      return { status: 400, message: `malformed HTTP request: ${e.reason ?? e.message}` }
  }
}

const refused = new WeakSet<Duplex>()

/**
 * The server's `clientError` handler: answers when it still can, then
 * closes. `pending` is the response being made on that connection, if any:
 * 1. its request is whole (the bad bytes came after it): that client gets
 *    its answer, since the request may have changed something, then the
 *    connection closes;
 * 2. its request is not (its body timed out): the refusal is the answer;
 * 3. otherwise the refusal is written raw, unless something was sent.
 */
export const refuseClient = (e: ClientError, socket: Duplex & { bytesWritten?: number }, log: Logger, pending?: ServerResponse): void => {
  // Bytes after the refusal are parse errors too: the connection is closing already.
  if (refused.has(socket)) return
  refused.add(socket)
  // A reset or a broken pipe: nobody is left to answer.
  if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || !socket.writable) return void socket.destroy()
  const { status, message } = describeClientError(e)
  log.debug({ code: e.code, status }, message)
  if (pending && !pending.writableFinished && pending.req.complete) {
    socket.pause() // nothing more is parsed
    pending.shouldKeepAlive = false
    pending.once('finish', () => socket.destroy()).once('close', () => socket.destroy())
  } else if (pending && !pending.headersSent) {
    sendJson(pending, status, { message }, true) // closed by the server's 'finish' handler: the request is not whole
  } else if (socket.bytesWritten !== 0) {
    socket.destroy()
  } else {
    refuseRaw(socket, status, message)
  }
}
