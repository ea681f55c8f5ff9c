/**
 * The embedded DNS's sockets in one container netns: UDP and TCP on
 * 127.0.0.11 at ports the kernel picks (the container's port 53 stays free
 * for its own programs; an nft DNAT in the container's netns sends
 * 127.0.0.11:53 there, as Docker does — see nat.ts).
 *
 * Robustness (CVE-2024-8418, CVE-2026-35406): TCP has a connection cap, an
 * idle timeout, 2-byte length framing with partial reads and many queries
 * per connection; a reset or garbage closes only that connection.
 */
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import type { NativeNetns } from '../kernel/native.js'
import { EMBEDDED_DNS } from '../plan/etc-files.js'

/** Answers one raw query (undefined: no answer). */
export type QueryHandler = (raw: Buffer, transport: 'udp' | 'tcp') => Promise<Buffer | undefined>

/** Limits of the TCP side. */
export const TCP_LIMITS = { maxConnections: 64, idleMs: 10_000, maxMessage: 65535 }

const serveTcp = (conn: net.Socket, handle: QueryHandler) => {
  let buf = Buffer.alloc(0)
  conn.setTimeout(TCP_LIMITS.idleMs, () => conn.destroy())
  conn.on('error', () => conn.destroy())
  conn.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk])
    for (;;) {
      if (buf.length < 2) return
      const len = buf.readUInt16BE(0)
      if (len < 12) return void conn.destroy() // not even a DNS header: drop the connection
      if (buf.length < 2 + len) return
      const msg = buf.subarray(2, 2 + len)
      buf = buf.subarray(2 + len)
      void handle(msg, 'tcp').then(
        resp => {
          if (!resp || conn.destroyed) return
          const head = Buffer.alloc(2)
          head.writeUInt16BE(resp.length)
          conn.write(Buffer.concat([head, resp]))
        },
        () => conn.destroy(),
      )
    }
  })
}

/** The listening sockets of one container. */
export class DnsListener {
  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    private readonly conns: Set<net.Socket>,
    readonly udpPort: number,
    readonly tcpPort: number,
  ) {}

  /**
   * Opens both sockets inside the netns at `nsPath`, on the given ports
   * (throws when either is taken) or on ports the kernel picks.
   */
  static async open(native: NativeNetns, nsPath: string, handle: QueryHandler, ports?: { udp: number; tcp: number }): Promise<DnsListener> {
    const udpFd = native.socketIn(nsPath, 'udp', EMBEDDED_DNS, ports?.udp ?? 0)
    let tcpFd: number
    try {
      tcpFd = native.socketIn(nsPath, 'tcp', EMBEDDED_DNS, ports?.tcp ?? 0, 128)
    } catch (e) {
      fs.closeSync(udpFd)
      throw e
    }
    const udp = dgram.createSocket('udp4')
    udp.on('message', (msg, rinfo) => {
      void handle(msg, 'udp').then(
        resp => resp && udp.send(resp, rinfo.port, rinfo.address),
        () => undefined,
      )
    })
    udp.on('error', () => undefined)
    await new Promise<void>(resolve => udp.bind({ fd: udpFd }, resolve))
    const conns = new Set<net.Socket>()
    const tcp = net.createServer(conn => {
      conns.add(conn)
      conn.once('close', () => conns.delete(conn))
      serveTcp(conn, handle)
    })
    tcp.maxConnections = TCP_LIMITS.maxConnections
    tcp.on('error', () => undefined)
    await new Promise<void>(resolve => tcp.listen({ fd: tcpFd }, resolve))
    return new DnsListener(udp, tcp, conns, udp.address().port, (tcp.address() as net.AddressInfo).port)
  }

  /** Closes both sockets (an open socket would keep a deleted netns alive). */
  close(): void {
    this.udp.close()
    this.tcp.close()
    for (const c of this.conns) c.destroy()
  }
}
