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

  /** Names in the directory that start with `prefix`. */
  list(prefix: string): string[] {
    try {
      return fs.readdirSync(this.dir).filter(n => n.startsWith(prefix))
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

  /** An rtnetlink socket that lives in the named netns. */
  openRtnl(name: string): Rtnl {
    return new Rtnl(this.native.withNetns(this.path(name), () => createRtNetlink()))
  }
}
