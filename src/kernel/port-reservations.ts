/**
 * Host ports held by berth: each published port is reserved by really
 * binding it in the daemon's netns (as Docker does), so a clash with
 * another publish or with a program already using the port is an error at
 * publish time, and no program can take the port while it is published.
 *
 * Be aware: the sockets carry a drop-everything filter (TCP ones listen, so
 * that no SO_REUSEADDR program can bind the port next to them); nothing is
 * ever queued on them — published traffic is DNAT'ed before it could be.
 */
import fs from 'node:fs'
import { invalid } from '../errors.js'
import type { NativeNetns } from './native.js'

/** The socket identity of a published port. */
export interface HostPort {
  readonly proto: 'tcp' | 'udp'
  readonly hostIp: string
  readonly hostPort: number
}

const keyOf = (p: HostPort) => `${p.proto}/${p.hostIp}/${p.hostPort}`

/** Reserved host ports of one daemon. */
export class PortReservations {
  #fds = new Map<string, number>()

  constructor(private readonly native: Pick<NativeNetns, 'bindPort'>) {}

  /**
   * Binds the port; false when it is in use — by another program
   * (EADDRINUSE/EACCES) or already held here (each reservation has one owner).
   */
  reserve(p: HostPort): boolean {
    if (this.#fds.has(keyOf(p))) return false
    try {
      this.#fds.set(keyOf(p), this.native.bindPort(p.proto, p.hostIp, p.hostPort))
      return true
    } catch (e) {
      const errno = (e as { errno?: number }).errno
      if (errno === 98 /* EADDRINUSE */ || errno === 13 /* EACCES */) return false
      if (errno === 99 /* EADDRNOTAVAIL */) throw invalid('E_HOST_IP', `${p.hostIp} is not an address of this host`)
      throw e
    }
  }

  /** Whether this daemon holds the port. */
  holds(p: HostPort): boolean {
    return this.#fds.has(keyOf(p))
  }

  /** Closes the reservation (missing is fine). */
  release(p: HostPort): void {
    const fd = this.#fds.get(keyOf(p))
    if (fd === undefined) return
    fs.closeSync(fd)
    this.#fds.delete(keyOf(p))
  }

  /** The range for "any port", from /proc/sys/net/ipv4/ip_local_port_range. */
  ephemeralRange(): [number, number] {
    try {
      const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number)
      if (lo && hi && lo <= hi) return [lo, hi]
    } catch {
      // fall through to Docker's fallback
    }
    return [49153, 65535]
  }
}
