/**
 * Typed loader for berth's N-API addon (native/netns.cc).
 *
 * Be aware: `withNetns` runs its callback on the JS thread while that thread
 * is inside the target netns; the callback must be synchronous (a netlink
 * socket constructor, say). The addon refuses a thenable result and aborts
 * the process if it cannot switch back.
 */
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The addon's exports. */
export interface NativeNetns {
  /** Creates a netns bind-mounted at `dir/name` (like `ip netns add`). */
  createNetns(dir: string, name: string): void
  /** Unmounts and unlinks a named netns; a missing one is not an error. */
  deleteNetns(nsPath: string): void
  /** Calls `fn` synchronously inside the netns at `nsPath`. */
  withNetns<T>(nsPath: string, fn: () => T): T
  /** A bound (TCP: listening) non-blocking IPv4 socket made inside the netns. */
  socketIn(nsPath: string, kind: 'udp' | 'tcp', ip: string, port: number, backlog?: number): number
  /** Reserves ip:port in the caller's netns: bound (TCP listening) with a drop-all socket filter; returns the fd. */
  bindPort(kind: 'udp' | 'tcp', ip: string, port: number): number
  /** A non-blocking TCP socket made inside the netns, connecting to ip:port; returns the fd. */
  connectIn(nsPath: string, ip: string, port: number): number
  /** The ifalias of `lo` in each netns ('' when none), null where the netns cannot be read. */
  loopbackAliases(nsPaths: readonly string[]): (string | null)[]
  /**
   * Sends one datagram to the AF_UNIX datagram socket at `socketPath`
   * (`@name`: the abstract namespace), synchronously; throws with `errno`.
   */
  notifyDatagram(socketPath: string, message: string): void
}

const here = path.dirname(fileURLToPath(import.meta.url))

/** Loads the addon built by `npm install` (native/build/Release). */
export const loadNative = (): NativeNetns => {
  const require = createRequire(import.meta.url)
  // dist/src/kernel → repo root is three levels up; src/kernel (ts-node) two.
  for (const up of ['../../..', '../..']) {
    const candidate = path.resolve(here, up, 'native/build/Release/berth_netns.node')
    try {
      return require(candidate) as NativeNetns
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e
    }
  }
  throw new Error('native addon not built: run `npm install` (it builds native/ with node-gyp)')
}
