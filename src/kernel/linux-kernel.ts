/**
 * The only code that applies {@link Op}s to the OS: netlink in the daemon's
 * netns and in container netns, nft, and the /etc/netns files. Creates are
 * "ensure" (an identical existing object is success) and deletes are
 * tolerant, so replaying a plan after a crash is safe.
 *
 * Each plan runs in its own {@link KernelSession}: the netlink sockets it
 * opens into container netns are its own and are closed when it ends
 * (an open socket keeps a deleted netns alive), without disturbing plans
 * that run concurrently.
 */
import { BerthError, conflict } from '../errors.js'
import type { Op } from '../plan/ops.js'
import type { OpApplier } from '../plan/tx.js'
import type { DaemonConfig } from '../model/types.js'
import { removeEtcFiles, writeEtcFiles } from './etc-files.js'
import type { NativeNetns } from './native.js'
import { NetnsDir } from './netns.js'
import { IPTABLES_FILTER, parseFilterListing, planHoles } from '../firewall/holes.js'
import { applyNft, listNftTable } from './nft.js'
import { type NftCommit, NftMonitor, OwnCommits } from './nft-monitor.js'
import { sysctlFile, writeSysctl, writeSysctlFd } from './sysctl.js'
import { Conntrack } from './conntrack.js'
import { type LinkInfo, type RouteInfo, Rtnl, errnoOf } from './rtnl.js'

const tolerate = async (work: () => Promise<void>, ...errnos: string[]): Promise<void> => {
  try {
    await work()
  } catch (e) {
    const errno = errnoOf(e) ?? (e as NodeJS.ErrnoException).code
    if (!errno || !errnos.includes(errno)) throw e
  }
}

/** Kernel values of the macvlan (IFLA_MACVLAN_MODE) and ipvlan (IFLA_IPVLAN_MODE) modes. */
const CHILD_MODES: Record<'macvlan' | 'ipvlan', Record<string, number>> = {
  macvlan: { private: 1, vepa: 2, bridge: 4, passthru: 8 },
  ipvlan: { l2: 0, l3: 1, l3s: 2 },
}

/** ENOTSUP from the kernel: a missing driver, said plainly (other errors pass). */
const unsupported = (e: unknown, what: string): unknown =>
  errnoOf(e) === 'ENOTSUP' || errnoOf(e) === 'EOPNOTSUPP'
    ? new BerthError('Unavailable', 'E_KERNEL_FEATURE', `this kernel does not support ${what}`, { cause: e })
    : e

/** Applies ops for one plan. */
export class KernelSession implements OpApplier {
  #inner = new Map<string, Rtnl>()
  /** Link indexes looked up in this session, by `netns/name` (one netlink round trip saved per reuse). */
  #indexes = new Map<string, number>()

  constructor(
    private readonly host: Rtnl,
    private readonly netns: NetnsDir,
    private readonly etcNetnsDir: string,
    private readonly conntrack: Conntrack,
    private readonly own: OwnCommits,
  ) {}

  /** rtnetlink of the daemon's netns (undefined) or of a container netns. */
  #rtnl(netns: string | undefined): Rtnl {
    if (netns === undefined) return this.host
    let r = this.#inner.get(netns)
    if (!r) {
      r = this.netns.openRtnl(netns)
      this.#inner.set(netns, r)
    }
    return r
  }

  async #index(netns: string | undefined, dev: string): Promise<number> {
    const key = `${netns ?? ''}/${dev}`
    // `lo` is always the first device of a netns (index 1).
    const known = this.#indexes.get(key) ?? (netns !== undefined && dev === 'lo' ? 1 : undefined)
    if (known !== undefined) return known
    const index = await this.#rtnl(netns).linkIndex(dev)
    if (index === undefined) throw Object.assign(new Error(`no device ${dev}: ENODEV`), { code: 'ENODEV' })
    this.#indexes.set(key, index)
    return index
  }

  /** Applies one op. */
  async apply(op: Op): Promise<void> {
    switch (op.kind) {
      case 'netns.create':
        return this.#createNetns(op.netns)
      case 'netns.delete':
        this.#close(op.netns)
        this.netns.delete(op.netns)
        return
      case 'link.bridge':
        return this.#ensureBridge(op)
      case 'link.veth': {
        const master = await this.#index(undefined, op.bridge)
        try {
          await this.host.createVeth({ ...op, peerNetns: this.netns.path(op.netns), master })
        } catch (e) {
          if (errnoOf(e) === 'EEXIST') throw conflict('E_LINK_EXISTS', `a network interface named ${op.host} already exists`)
          throw e
        }
        return
      }
      case 'link.parent': {
        const vlan = op.vlan ? { link: await this.#index(undefined, op.vlan.link), id: op.vlan.id } : undefined
        try {
          await this.host.createParent(op.name, vlan, op.alias)
        } catch (e) {
          if (errnoOf(e) === 'EEXIST') throw conflict('E_LINK_EXISTS', `a network interface named ${op.name} already exists`)
          throw unsupported(e, 'VLAN sub-interfaces (8021q)')
        }
        return
      }
      case 'link.macvlan':
      case 'link.ipvlan': {
        const parent = await this.#index(undefined, op.parent)
        const kind = op.kind === 'link.macvlan' ? 'macvlan' : 'ipvlan'
        const mode = CHILD_MODES[kind][op.mode]
        if (mode === undefined) throw new Error(`unknown ${kind} mode ${op.mode}`)
        try {
          return await this.host.createChildIn({ kind, nsPath: this.netns.path(op.netns), name: op.name, parent, mode, mac: op.mac, mtu: op.mtu })
        } catch (e) {
          throw unsupported(e, `${kind} interfaces`)
        }
      }
      case 'link.up':
        return this.#rtnl(op.netns).setUp(
          await this.#index(op.netns, op.dev),
          op.alias,
          op.master === undefined ? undefined : await this.#index(undefined, op.master),
        )
      case 'link.delete': {
        if (op.netns && !this.netns.exists(op.netns)) return
        const rtnl = this.#rtnl(op.netns)
        this.#indexes.delete(`${op.netns ?? ''}/${op.name}`)
        if (op.alias !== undefined) {
          const alias = await rtnl.linkAlias(op.name)
          const ours = alias === op.alias || (op.unmarked === true && alias === undefined)
          if (!ours) return // gone, or not ours
        }
        return rtnl.deleteLink(op.name)
      }
      case 'addr.add':
        return tolerate(
          async () => this.#rtnl(op.netns).addAddress(await this.#index(op.netns, op.dev), op.ip, op.prefix, op.broadcast),
          'EEXIST',
        )
      case 'addr.delete':
        if (op.netns && !this.netns.exists(op.netns)) return
        return tolerate(
          async () => this.#rtnl(op.netns).deleteAddress(await this.#index(op.netns, op.dev), op.ip, op.prefix),
          'EADDRNOTAVAIL',
          'ENODEV',
        )
      case 'route.add':
        return tolerate(
          async () => this.#rtnl(op.netns).addRoute(op.dst, op.prefix, op.gateway, await this.#index(op.netns, op.dev)),
          'EEXIST',
        )
      case 'route.delete':
        if (!this.netns.exists(op.netns)) return
        return tolerate(
          async () => this.#rtnl(op.netns).deleteRoute(op.dst, op.prefix, op.gateway, await this.#index(op.netns, op.dev)),
          'ESRCH',
          'ENODEV',
        )
      case 'files.write':
        return writeEtcFiles(this.etcNetnsDir, op.netns, op.files)
      case 'files.remove':
        return removeEtcFiles(this.etcNetnsDir, op.netns)
      case 'nft.apply':
        if (op.netns === undefined) return applyNft(op.commands, undefined, this.own.add)
        return applyNft(op.commands, this.netns.path(op.netns))
      case 'link.hairpin':
        return this.host.setHairpin(await this.#index(undefined, op.dev))
      case 'sysctl.set':
        if (op.netns === undefined) return writeSysctl(op.path, op.value)
        return writeSysctlFd(this.netns.openIn(op.netns, sysctlFile(op.path), 'w'), op.value)
      case 'conntrack.flush':
        return void (await this.conntrack.flush(op.ports))
      case 'nft.holes': {
        const listing = await listNftTable(IPTABLES_FILTER.family, IPTABLES_FILTER.name)
        const commands = listing ? planHoles(parseFilterListing(listing), op.bridges) : []
        if (commands.length > 0) await applyNft(commands, undefined, this.own.add)
        return
      }
    }
  }

  /**
   * An existing bridge with berth's alias for the same object is success. So
   * is one without any alias but with this network's MAC (derived from its
   * id): a kill between creating a bridge and labelling it (two requests, the
   * kernel ignores IFLA_IFALIAS on create) left it; it is labelled now.
   */
  async #ensureBridge(op: Extract<Op, { kind: 'link.bridge' }>): Promise<void> {
    try {
      await this.host.createBridge(op.name, op)
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw e
      const existing = (await this.host.listLinks()).find(l => l.name === op.name)
      if (existing?.alias === op.alias) return
      if (existing && !existing.alias && existing.mac === op.mac.toLowerCase()) return this.host.setAlias(op.name, op.alias)
      throw conflict('E_LINK_EXISTS', `a network interface named ${op.name} already exists and does not belong to this network`)
    }
  }

  /**
   * Creates a named netns. A file of that name that is not a mounted netns
   * (what a crash between creating the file and mounting leaves) is removed
   * and the create retried; a real netns of that name is a conflict.
   */
  #createNetns(name: string): void {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.netns.create(name)
      } catch (e) {
        if ((e as { errno?: number }).errno !== 17) throw e
        if (attempt > 0 || this.netns.exists(name)) throw conflict('E_NETNS_EXISTS', `network namespace ${name} already exists`)
        this.netns.delete(name)
      }
    }
  }

  #close(netns: string): void {
    this.#inner.get(netns)?.close()
    this.#inner.delete(netns)
    for (const key of [...this.#indexes.keys()]) if (key.startsWith(`${netns}/`)) this.#indexes.delete(key)
  }

  /** Closes this session's sockets into container netns. */
  release(): void {
    for (const netns of [...this.#inner.keys()]) this.#close(netns)
  }
}

/** Kernel access for one daemon: its own netns plus the container netns. */
export class LinuxKernel {
  readonly netns: NetnsDir

  constructor(
    private readonly host: Rtnl,
    native: NativeNetns,
    private readonly cfg: Pick<DaemonConfig, 'netnsDir' | 'etcNetnsDir'>,
  ) {
    this.netns = new NetnsDir(native, cfg.netnsDir)
  }

  readonly #conntrack = new Conntrack()
  readonly #own = new OwnCommits()

  /** A session for applying one plan. */
  session(): KernelSession {
    return new KernelSession(this.host, this.netns, this.cfg.etcNetnsDir, this.#conntrack, this.#own)
  }

  /** Calls `onCommit` for every nftables transaction committed in the daemon's netns by another process. */
  watchNftables(onCommit: (c: NftCommit) => void, onError: (e: Error) => void): { close(): void } {
    return new NftMonitor(c => {
      if (c.tables === undefined || !this.#own.claim(c.pid)) onCommit(c)
    }, onError)
  }

  /** `nft -j list table` objects, or undefined when there is no such table. */
  listNftTable(family: string, name: string): Promise<unknown[] | undefined> {
    return listNftTable(family, name)
  }

  /** Links of the daemon's netns. */
  hostLinks(): Promise<LinkInfo[]> {
    return this.host.listLinks()
  }

  /** IPv4 main-table routes of the daemon's netns. */
  hostRoutes(): Promise<RouteInfo[]> {
    return this.host.listRoutes()
  }

  /** Whether an nftables table exists; false where the kernel has no such family. */
  async nftTableExists(family: string, name: string): Promise<boolean> {
    return (await listNftTable(family, name).catch(() => undefined)) !== undefined
  }

  /** The ifalias of `lo` in each netns; undefined when it has none or is unreadable. */
  loopbackAliases(netns: readonly string[]): (string | undefined)[] {
    return this.netns.loopbackAliases(netns)
  }
}
