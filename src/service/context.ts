/**
 * What every service operation is given (constructor injection, no module
 * singletons): configuration, state, kernel port, locks and logger.
 */
import type { Logger } from 'pino'
import type { PortReservations } from '../kernel/port-reservations.js'
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
  /** The ifalias of `lo` in a netns (berth's ownership mark). */
  loopbackAlias(netns: string): Promise<string | undefined>
  readonly netns: {
    path(name: string): string
    exists(name: string): boolean
    list(prefix: string): string[]
  }
}

/** Dependencies of the services. */
export interface ServiceContext {
  readonly cfg: DaemonConfig
  readonly store: StateStore
  readonly kernel: Kernel
  readonly locks: KeyedLock
  readonly log: Logger
  /** Host ports held for published ports. */
  readonly ports: PortReservations
  /** The host's resolv.conf, read when a container is created. */
  readonly hostResolv: () => HostResolv
}

/** Told when containers or their attachments changed (the embedded DNS follows). */
export interface TopologyListener {
  sync(): Promise<void>
}
