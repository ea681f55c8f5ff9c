/**
 * Small HTTP helpers for the API server: bounded JSON bodies, JSON replies
 * and Docker's error shape `{"message": …}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BerthError, httpStatus, invalid } from '../errors.js'

/** Largest request body accepted. */
export const MAX_BODY = 1 << 20

/** Reads and parses a JSON body; an empty body is `undefined`. */
export const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw invalid('E_BODY_TOO_LARGE', `request body larger than ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch (e) {
    throw invalid('E_BAD_JSON', `invalid JSON body: ${(e as Error).message}`)
  }
}

/** Sends a JSON reply. */
export const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const data = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) })
  res.end(data)
}

/** Sends an error in Docker's shape; unclassified errors are 500s. */
export const sendError = (res: ServerResponse, e: unknown): BerthError | undefined => {
  const known = e instanceof BerthError ? e : undefined
  const status = known ? httpStatus[known.kind] : 500
  if (!res.headersSent) sendJson(res, status, { message: known ? known.message : `internal error: ${(e as Error)?.message ?? e}` })
  else res.destroy()
  return known
}
