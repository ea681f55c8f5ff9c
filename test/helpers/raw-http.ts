/**
 * A raw client on a unix socket for abusing the API: sends exactly the
 * bytes given (slowly, endlessly, half-closed …) and reports what came
 * back and whether the server closed the connection.
 */
import net from 'node:net'

/** What one raw exchange produced. */
export interface RawResult {
  /** Everything the server sent. */
  readonly response: string
  /** The status of the first response, if one came. */
  readonly status: number | undefined
  /** The first response's body, parsed when it is JSON. */
  readonly json: any
  /** The server closed (or reset) the connection before `timeoutMs`. */
  readonly closed: boolean
  /** When the connection ended, from the start. */
  readonly ms: number
  /** Bytes this client managed to write. */
  readonly written: number
}

export interface RawOptions {
  /** Half-close (shutdown write) after sending `data`. */
  readonly halfClose?: boolean
  /** Then send one byte every `trickleMs` (never finishing). */
  readonly trickleMs?: number
  /** Then write this chunk again and again, as fast as the server reads. */
  readonly stream?: Buffer
  /** Destroy the connection after this long. */
  readonly destroyAfterMs?: number
  /** Give up (and close) after this long; `closed` is then false. */
  readonly timeoutMs?: number
}

const parse = (response: string): { status: number | undefined; json: unknown } => {
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1]
  const [head = '', rest = ''] = response.split('\r\n\r\n', 2)
  const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1]
  const body = length === undefined ? rest : rest.slice(0, Number(length))
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return { status: status === undefined ? undefined : Number(status), json }
}

/** Sends `data` on a new connection and reports what happened. */
export const raw = (socketPath: string, data: string | Buffer, opts: RawOptions = {}): Promise<RawResult> =>
  new Promise(resolve => {
    const start = Date.now()
    const c = net.connect(socketPath)
    let response = ''
    let written = 0
    let closed = false
    const timers: NodeJS.Timeout[] = []
    const write = (chunk: string | Buffer) => {
      if (c.destroyed || c.writableEnded) return false
      written += Buffer.byteLength(chunk)
      return c.write(chunk)
    }
    c.on('data', d => (response += d.toString('latin1')))
    c.on('error', () => undefined) // EPIPE/ECONNRESET: the server closed on us
    c.on('close', () => {
      for (const t of timers) clearTimeout(t)
      resolve({ response, ...parse(response), closed, ms: Date.now() - start, written })
    })
    c.on('end', () => (closed = true))
    c.on('connect', () => {
      write(data)
      if (opts.halfClose) c.end()
      if (opts.trickleMs !== undefined) {
        const tick = () => {
          if (write('x')) timers.push(setTimeout(tick, opts.trickleMs))
        }
        timers.push(setTimeout(tick, opts.trickleMs))
      }
      if (opts.stream) {
        const chunk = opts.stream
        const pump = () => {
          while (write(chunk));
        }
        c.on('drain', pump)
        pump()
      }
    })
    if (opts.destroyAfterMs !== undefined) timers.push(setTimeout(() => c.destroy(), opts.destroyAfterMs))
    timers.push(
      setTimeout(() => {
        closed = false
        c.destroy()
      }, opts.timeoutMs ?? 5000),
    )
    // 'error' before 'end' (a reset) still means the server closed it.
    c.on('error', () => (closed = true))
  })

/** A request with a Content-Length body (or none). */
export const httpText = (method: string, path: string, body?: string, headers: Record<string, string> = {}): string => {
  const all = { Host: 'berth', ...(body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) }), ...headers }
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body ?? ''}`
}
