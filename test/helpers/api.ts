/**
 * berth's HTTP API over its unix socket, straight from node:http (no CLI
 * process: no process start-up in what the bench measures, and a test can
 * send hundreds of requests quickly). One keep-alive connection, as a
 * long-lived client would hold.
 */
import http from 'node:http'

/** A reply: status and body text. */
export interface Reply {
  readonly status: number
  readonly body: string
}

/** A client of one daemon socket. */
export class Api {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

  /** `timeoutMs`: a request without a reply by then fails (a deadlock must not hang a test). */
  constructor(
    readonly socketPath: string,
    readonly timeoutMs = 30_000,
  ) {}

  /** Sends one request and resolves with the whole reply. */
  send(method: string, path: string, body?: unknown): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body)
      const headers: http.OutgoingHttpHeaders = { Host: 'berth' }
      if (data !== undefined) {
        headers['Content-Type'] = 'application/json'
        headers['Content-Length'] = Buffer.byteLength(data)
      }
      const req = http.request({ socketPath: this.socketPath, method, path, headers, agent: this.#agent, timeout: this.timeoutMs })
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no reply within ${this.timeoutMs} ms`)))
      req.on('error', reject)
      req.on('response', res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      })
      req.end(data)
    })
  }

  /** Like send() but fails unless the status is `want`. */
  async expect(want: number, method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await this.send(method, path, body)
    if (r.status !== want) throw new Error(`${method} ${path}: HTTP ${r.status} (wanted ${want}): ${r.body.trim()}`)
    return r
  }

  /** GET `path` (must answer 200) parsed as JSON. */
  async get<T = any>(path: string): Promise<T> {
    return JSON.parse((await this.expect(200, 'GET', path)).body) as T
  }

  /** Closes the kept-alive connection. */
  close(): void {
    this.#agent.destroy()
  }
}

/** Docker's /containers/create body: a sleeping sandbox on `network`, publishing `ports` (`HOST:CONTAINER`). */
export const createBody = (network: string, ports: readonly string[] = [], cmd: readonly string[] = ['sleep', '3600']) => ({
  Cmd: cmd,
  HostConfig: {
    NetworkMode: network,
    PortBindings: Object.fromEntries(
      ports.map(p => {
        const [host, container] = p.split(':')
        return [`${container}/tcp`, [{ HostIp: '', HostPort: host }]]
      }),
    ),
  },
})

/** Removes every container and user network through `api`; what failed (empty: all removed). */
export const removeAll = async (api: Api): Promise<string[]> => {
  const failures: string[] = []
  for (const c of await api.get<any[]>('/containers/json?all=1')) {
    const r = await api.send('DELETE', `/containers/${c.Id}?force=1`)
    if (r.status !== 204) failures.push(`rm ${c.Names[0]}: HTTP ${r.status} ${r.body.trim()}`)
  }
  for (const n of await api.get<any[]>('/networks')) {
    if (['bridge', 'host', 'none'].includes(n.Name)) continue
    const r = await api.send('DELETE', `/networks/${n.Id}`)
    if (r.status !== 204) failures.push(`network rm ${n.Name}: HTTP ${r.status} ${r.body.trim()}`)
  }
  return failures
}
