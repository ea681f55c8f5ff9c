/**
 * What every service operation is given (constructor injection, no module
 * singletons): configuration, state, kernel port, locks and logger.
 */
import type { Logger } from 'pino'
import type { PortReservations } from '../kernel/port-reservations.js'
import type { NftCommit } from '../kernel/nft-monitor.js'
import type { LinkInfo, RouteInfo } from '../kernel/rtnl.js'
import type { DaemonConfig } from '../model/types.js'
import type { HostResolv } from '../plan/etc-files.js'
import type { OpApplier } from '../plan/tx.js'
import type { StateStore } from '../state/store.js'
import type { KeyedLock } from './locks.js'

/** The kernel as the services see it: sessions that apply ops, and a few reads. */
export interface Kernel {
  /** A fresh applier for one plan (its sockets are its own). */
  session(): OpApplier
  hostLinks(): Promise<LinkInfo[]>
  hostRoutes(): Promise<RouteInfo[]>
  /** Whether an nftables table exists (start: berth's bridge table may be left from a run before). */
  nftTableExists(family: string, name: string): Promise<boolean>
  /** `nft -j list table` objects, or undefined when there is no such table. */
  listNftTable(family: string, name: string): Promise<unknown[] | undefined>
  /** Notifies nftables transactions committed in the daemon's netns by any process but berth. */
  watchNftables(onCommit: (c: NftCommit) => void, onError: (e: Error) => void): { close(): void }
  /** The ifalias of `lo` in each netns (berth's ownership mark). */
  loopbackAliases(netns: readonly string[]): (string | undefined)[]
  readonly netns: {
    path(name: string): string
    exists(name: string): boolean
    /** Mounted netns whose names start with `prefix`. */
    listMounted(prefix: string): string[]
  }
}

/** Dependencies of the services. */
export interface ServiceContext {
  /**
   * The configuration now. A reload (SIGHUP) swaps it whole: read it where
   * a value is used instead of keeping a copy (see model/reload-config.ts
   * for the keys that can change).
   */
  readonly cfg: DaemonConfig
  readonly store: StateStore
  readonly kernel: Kernel
  readonly locks: KeyedLock
  readonly log: Logger
  /** Host ports held for published ports. */
  readonly ports: PortReservations
  /** The host's resolv.conf (the configured one), read when a container is created. */
  readonly hostResolv: () => HostResolv
}

/** Told when containers or their attachments changed (the embedded DNS follows). */
export interface TopologyListener {
  sync(): Promise<void>
}
