/**
 * The CLI's only way to the daemon: HTTP over the unix socket named by
 * `-H unix://PATH`, else `$BERTH_HOST`, else /run/berth/berth.sock.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { Duplex } from 'node:stream'

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock'

/** An error the CLI prints as is, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** The socket path of a `-H`/`BERTH_HOST` value. */
export const socketPathOf = (host: string): string => {
  if (!host.startsWith('unix://')) throw new CliError(`unsupported daemon address "${host}": only unix:///path/to/socket`)
  return host.slice('unix://'.length)
}

/**
 * The name of the socket's group through NSS, as ls(1) shows it (the gid
 * when the name is unknown); undefined when the socket cannot be seen.
 */
const groupOf = (socketPath: string): string | undefined => {
  let gid: string
  try {
    gid = String(fs.statSync(socketPath).gid)
  } catch {
    return undefined
  }
  const entry = spawnSync('getent', ['group', gid], { encoding: 'utf8', timeout: 5000 })
  return (entry.status === 0 ? entry.stdout.split(':')[0] : undefined) || gid
}

/** How to get the access a socket refused us (its group: see berthd --group). */
const accessHint = (socketPath: string): string => {
  const group = groupOf(socketPath)
  if (group === undefined) return 'run as root (sudo berth …) or as a member of the group that owns the socket'
  if (group === 'root' || group === '0') {
    return 'run as root (sudo berth …); to let a group use berth, start berthd with --group <group> (or "group" in daemon.json)'
  }
  return `run as root (sudo berth …) or as a member of the "${group}" group (usermod -aG ${group} <user>, then log in again)`
}

const connectionError = (host: string, e: NodeJS.ErrnoException): CliError => {
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return new CliError(`permission denied while trying to connect to the berth daemon socket at ${host}: ${accessHint(socketPathOf(host))}`)
  }
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
    return new CliError(
      `Cannot connect to the berth daemon at ${host}. Is berthd running? Start it with "sudo npm start" in the berth checkout (or "sudo berthd"), or point -H / BERTH_HOST at its socket.`,
    )
  }
  return new CliError(`cannot talk to the berth daemon at ${host}: ${e.message}`)
}

/** A response: status and raw body. */
export interface Reply {
  readonly status: number
  readonly body: Buffer
}

/** Talks to one daemon. */
export class ApiClient {
  readonly socketPath: string
  constructor(readonly host: string) {
    this.socketPath = socketPathOf(host)
  }

  #open(method: string, path: string, headers: http.OutgoingHttpHeaders = {}): http.ClientRequest {
    return http.request({ socketPath: this.socketPath, method, path, headers: { Host: 'berth', ...headers } })
  }

  /** Sends a request; `onData` receives the body as it streams. */
  send(method: string, path: string, body?: unknown, onData?: (chunk: Buffer) => void): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body)
      const req = this.#open(method, path, data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {})
      req.on('error', e => reject(connectionError(this.host, e)))
      req.on('response', res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => (onData && (res.statusCode ?? 500) < 300 ? onData(c) : chunks.push(c)))
        res.on('end', () => resolve({ status: res.statusCode ?? 500, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      req.end(data)
    })
  }

  /** Sends a request and parses the JSON reply; daemon errors become CliErrors. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.send(method, path, body)
    if (r.status >= 400) throw daemonError(r)
    const text = r.body.toString('utf8')
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** Upgrades the connection (exec streams). */
  upgrade(path: string): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const req = this.#open('POST', path, { Connection: 'Upgrade', Upgrade: 'tcp' })
      req.on('error', e => reject(connectionError(this.host, e)))
      req.on('upgrade', (_res, socket: Duplex, head: Buffer) => {
        if (head.length > 0) socket.unshift(head)
        resolve(socket)
      })
      req.on('response', res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => reject(daemonError({ status: res.statusCode ?? 500, body: Buffer.concat(chunks) })))
      })
      req.end()
    })
  }
}

/** "Error response from daemon: …", as docker prints it. */
export const daemonError = (r: Reply): CliError => {
  let message = r.body.toString('utf8')
  try {
    message = (JSON.parse(message) as { message?: string }).message ?? message
  } catch {
    // not JSON: keep the text
  }
  return new CliError(`Error response from daemon: ${message}`, 1, r.status)
}
