/**
 * Forwarding names berth does not know, from the asking container's netns
 * (so its egress policy applies and upstreams see the container's traffic,
 * masqueraded as Docker's is): up to 3 upstreams tried in order, each with a
 * timeout, a bounded number of queries in flight per container. UDP queries
 * go over UDP (a truncated answer is relayed as is: the client retries over
 * TCP); TCP queries go over TCP. Answers are relayed unchanged but for the id.
 */
import { randomInt } from 'node:crypto'
import dgram from 'node:dgram'
import net from 'node:net'
import type { NativeNetns } from '../kernel/native.js'

/** Forwarding limits (libnetwork: 3 servers, concurrency cap). */
export const FORWARD_LIMITS = { maxServers: 3, timeoutMs: 2000, maxInFlight: 100 }

/** Why a forward produced no answer. */
export type ForwardFailure = 'busy' | 'timeout'

/** One container's forwarder. */
export class Forwarder {
  #pending = new Map<number, (msg: Buffer, from: string) => void>()
  #inflight = 0
  #upstreams: readonly string[] = []

  private constructor(
    private readonly native: NativeNetns,
    private readonly nsPath: string,
    private readonly udp: dgram.Socket,
    upstreams: readonly string[],
  ) {
    this.setUpstreams(upstreams)
    udp.on('message', (msg, rinfo) => {
      if (msg.length >= 2) this.#pending.get(msg.readUInt16BE(0))?.(msg, rinfo.address)
    })
    udp.on('error', () => undefined)
  }

  /** A forwarder whose UDP socket lives in the netns at `nsPath`. */
  static async open(native: NativeNetns, nsPath: string, upstreams: readonly string[]): Promise<Forwarder> {
    const fd = native.socketIn(nsPath, 'udp', '0.0.0.0', 0)
    const udp = dgram.createSocket('udp4')
    await new Promise<void>(resolve => udp.bind({ fd }, resolve))
    return new Forwarder(native, nsPath, udp, upstreams)
  }

  /** Switches upstreams (a configuration reload); queries in flight finish with the old ones. */
  setUpstreams(upstreams: readonly string[]): void {
    this.#upstreams = upstreams.slice(0, FORWARD_LIMITS.maxServers)
  }

  /** The upstream answer to `query` (its id restored), or why there is none. */
  async forward(query: Buffer, tcp: boolean): Promise<Buffer | ForwardFailure> {
    if (this.#inflight >= FORWARD_LIMITS.maxInFlight || this.#upstreams.length === 0) return 'busy'
    this.#inflight++
    try {
      for (const server of this.#upstreams) {
        const answer = await (tcp ? this.#tcp(query, server) : this.#udp(query, server)).catch(() => undefined)
        if (answer) {
          const out = Buffer.from(answer)
          out.writeUInt16BE(query.readUInt16BE(0), 0)
          return out
        }
      }
      return 'timeout'
    } finally {
      this.#inflight--
    }
  }

  #udp(query: Buffer, server: string): Promise<Buffer | undefined> {
    let id = randomInt(0, 65536)
    while (this.#pending.has(id)) id = randomInt(0, 65536)
    const out = Buffer.from(query)
    out.writeUInt16BE(id, 0)
    return new Promise(resolve => {
      const done = (msg: Buffer | undefined) => {
        clearTimeout(timer)
        this.#pending.delete(id)
        resolve(msg)
      }
      const timer = setTimeout(() => done(undefined), FORWARD_LIMITS.timeoutMs)
      this.#pending.set(id, (msg, from) => from === server && done(msg))
      this.udp.send(out, 53, server, err => err && done(undefined))
    })
  }

  #tcp(query: Buffer, server: string): Promise<Buffer | undefined> {
    return new Promise(resolve => {
      const sock = new net.Socket({ fd: this.native.connectIn(this.nsPath, server, 53), readable: true, writable: true })
      let buf = Buffer.alloc(0)
      const done = (msg: Buffer | undefined) => {
        clearTimeout(timer)
        sock.destroy()
        resolve(msg)
      }
      const timer = setTimeout(() => done(undefined), FORWARD_LIMITS.timeoutMs)
      sock.on('error', () => done(undefined))
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk])
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2, 2 + buf.readUInt16BE(0)))
      })
      const head = Buffer.alloc(2)
      head.writeUInt16BE(query.length)
      sock.write(Buffer.concat([head, query]))
    })
  }

  /** Closes the socket (an open socket would keep a deleted netns alive). */
  close(): void {
    this.udp.close() // queries in flight end by their timeout
  }
}
