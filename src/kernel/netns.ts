/**
 * Named network namespaces under a directory (ip-netns(8) uses /run/netns),
 * created and deleted natively, and rtnetlink sockets opened inside them.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRtNetlink } from 'netlink'
import type { NativeNetns } from './native.js'
import { Rtnl } from './rtnl.js'

/** Named netns of one directory. */
export class NetnsDir {
  constructor(
    private readonly native: NativeNetns,
    readonly dir: string,
  ) {}

  /** Path of the netns file, the container's `SandboxKey`. */
  path(name: string): string {
    return path.join(this.dir, name)
  }

  /** Creates the netns; EEXIST when a netns of that name already exists. */
  create(name: string): void {
    this.native.createNetns(this.dir, name)
  }

  /** Deletes the netns; a missing one is success. */
  delete(name: string): void {
    this.native.deleteNetns(this.path(name))
  }

  /** True when the netns file exists and is a mounted namespace. */
  exists(name: string): boolean {
    try {
      // A bind-mounted nsfs file has a different device than its directory.
      return fs.statSync(this.path(name)).dev !== fs.statSync(this.dir).dev
    } catch {
      return false
    }
  }

  /** Mounted netns of the directory whose names start with `prefix` (one stat of the directory). */
  listMounted(prefix: string): string[] {
    try {
      const dev = fs.statSync(this.dir).dev
      return fs.readdirSync(this.dir).filter(n => {
        if (!n.startsWith(prefix)) return false
        try {
          return fs.statSync(this.path(n)).dev !== dev
        } catch {
          return false
        }
      })
    } catch {
      return []
    }
  }

  /**
   * Opens a file while inside the netns — for /proc/sys/net, which shows
   * the netns of whoever opened it — and returns the fd (synchronous).
   */
  openIn(name: string, file: string, flags: string): number {
    return this.native.withNetns(this.path(name), () => fs.openSync(file, flags))
  }

  /**
   * The ifalias of `lo` (berth's owner mark) in each named netns: undefined
   * when it has none or cannot be read. Native and synchronous, about 20 µs
   * each: a start with a thousand containers reads a thousand of these.
   */
  loopbackAliases(names: readonly string[]): (string | undefined)[] {
    return this.native.loopbackAliases(names.map(n => this.path(n))).map(a => a || undefined)
  }

  /** An rtnetlink socket that lives in the named netns. */
  openRtnl(name: string): Rtnl {
    return new Rtnl(this.native.withNetns(this.path(name), () => createRtNetlink()))
  }
}
