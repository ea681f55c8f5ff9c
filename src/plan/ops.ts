/**
 * Kernel changes as data. Planners return `Op[]`; the transaction applies
 * them in order and, on failure, applies the inverses of what succeeded in
 * reverse (aesthetics P3/P4). Every op is tolerant where it makes sense: a
 * delete of something already gone succeeds.
 */
import type { NftCommand } from '../kernel/nft.js'

/** One kernel change. `netns` undefined means the daemon's own netns. */
export type Op =
  | { readonly kind: 'netns.create'; readonly netns: string }
  | { readonly kind: 'netns.delete'; readonly netns: string }
  | {
      readonly kind: 'link.bridge'
      readonly name: string
      readonly mac: string
      readonly mtu?: number | undefined
      readonly alias: string
    }
  | {
      readonly kind: 'link.veth'
      readonly host: string
      readonly peer: string
      readonly netns: string
      readonly bridge: string
      readonly peerMac: string
      readonly mtu?: number | undefined
      readonly alias: string
    }
  | {
      /** A parent berth makes for a macvlan/ipvlan network: an 802.1Q sub-interface or a dummy. */
      readonly kind: 'link.parent'
      readonly name: string
      /** VLAN: the underlying link and the VLAN id; absent: a dummy. */
      readonly vlan?: { readonly link: string; readonly id: number } | undefined
      readonly alias: string
    }
  | {
      /** A macvlan or ipvlan child of `parent`, born inside the container netns. */
      readonly kind: 'link.macvlan' | 'link.ipvlan'
      readonly netns: string
      readonly name: string
      readonly parent: string
      readonly mode: string
      readonly mac?: string | undefined
      readonly mtu?: number | undefined
    }
  | {
      readonly kind: 'link.up'
      readonly netns?: string | undefined
      readonly dev: string
      /** Also sets the link's ifalias (berth marks the `lo` of its netns). */
      readonly alias?: string | undefined
      /** Also makes it a port of this bridge (repair of a veth's host end). */
      readonly master?: string | undefined
    }
  | {
      readonly kind: 'link.delete'
      readonly netns?: string | undefined
      readonly name: string
      /** When given, only a link carrying this ifalias is deleted (never a foreign one). */
      readonly alias?: string | undefined
      /**
       * Also delete the link when it carries no ifalias at all: a create cut
       * between making the link and marking it (see planUnfinished).
       */
      readonly unmarked?: boolean | undefined
    }
  | {
      readonly kind: 'addr.add' | 'addr.delete'
      readonly netns?: string | undefined
      readonly dev: string
      readonly ip: string
      readonly prefix: number
      readonly broadcast: string
    }
  | {
      readonly kind: 'route.add' | 'route.delete'
      readonly netns: string
      readonly dst: string
      readonly prefix: number
      readonly gateway: string
      readonly dev: string
    }
  | {
      /** The files ip-netns(8) mounts over /etc for this netns. */
      readonly kind: 'files.write'
      readonly netns: string
      readonly files: Readonly<Record<string, string>>
      /** What was there before; undefined means "nothing" (remove on undo). */
      readonly previous?: Readonly<Record<string, string>> | undefined
    }
  | { readonly kind: 'files.remove'; readonly netns: string }
  | {
      readonly kind: 'nft.apply'
      readonly commands: readonly NftCommand[]
      readonly undo: readonly NftCommand[]
      /** A container netns (its own tables); undefined: the daemon's netns. */
      readonly netns?: string | undefined
    }
  /** Hairpin mode on a bridge port (a container reaching its own published port). */
  | { readonly kind: 'link.hairpin'; readonly dev: string }
  /**
   * A sysctl of the daemon's netns, as path segments under /proc/sys (an
   * interface name may contain dots). Only per-device keys, which go with
   * their device: nothing to undo.
   */
  | {
      readonly kind: 'sysctl.set'
      readonly path: readonly string[]
      readonly value: string
      /** A container netns; undefined: the daemon's own. */
      readonly netns?: string | undefined
    }
  /**
   * Forgets conntrack entries for a host port, so flows that started before
   * a publish (or unpublish) do not keep their old NAT (UDP especially).
   */
  | { readonly kind: 'conntrack.flush'; readonly ports: readonly { readonly proto: 'tcp' | 'udp'; readonly port: number }[] }
  /**
   * berth's accepts in iptables-nft's filter table for these bridges (see
   * firewall/holes.ts); `previous` is what to go back to on undo.
   */
  | { readonly kind: 'nft.holes'; readonly bridges: readonly string[]; readonly previous: readonly string[] }

/** An optional op as a (possibly empty) list, for spreading into plans. */
export const optional = (op: Op | undefined): Op[] => (op ? [op] : [])

/** The op that undoes `op`, or undefined when nothing needs undoing. */
export const inverse = (op: Op): Op | undefined => {
  switch (op.kind) {
    case 'netns.create':
      return { kind: 'netns.delete', netns: op.netns }
    case 'link.bridge':
      return { kind: 'link.delete', name: op.name, alias: op.alias }
    case 'link.veth':
      return { kind: 'link.delete', name: op.host, alias: op.alias }
    case 'link.parent':
      return { kind: 'link.delete', name: op.name, alias: op.alias }
    case 'link.macvlan':
    case 'link.ipvlan':
      return { kind: 'link.delete', netns: op.netns, name: op.name }
    case 'addr.add':
      return { ...op, kind: 'addr.delete' }
    case 'route.add':
      return { ...op, kind: 'route.delete' }
    case 'route.delete':
      // Moving the default route deletes one: undoing puts it back.
      return { ...op, kind: 'route.add' }
    case 'files.write':
      return op.previous
        ? { kind: 'files.write', netns: op.netns, files: op.previous, previous: op.files }
        : { kind: 'files.remove', netns: op.netns }
    case 'nft.apply':
      return { kind: 'nft.apply', commands: op.undo, undo: op.commands, netns: op.netns }
    case 'link.hairpin':
    case 'sysctl.set':
      // Settings of a device berth made: they go away with the device.
      return undefined
    case 'conntrack.flush':
      return undefined
    case 'nft.holes':
      return { kind: 'nft.holes', bridges: op.previous, previous: op.bridges }
    case 'link.up':
    case 'netns.delete':
    case 'link.delete':
    case 'addr.delete':
    case 'files.remove':
      // Removals are only used for teardown, which is never rolled back.
      return undefined
  }
}

/** A one-line description for logs and error messages. */
export const describeOp = (op: Op): string => {
  switch (op.kind) {
    case 'netns.create':
    case 'netns.delete':
    case 'files.remove':
      return `${op.kind} ${op.netns}`
    case 'link.bridge':
      return `${op.kind} ${op.name}`
    case 'link.veth':
      return `${op.kind} ${op.host}/${op.netns}:${op.peer}`
    case 'link.parent':
      return `${op.kind} ${op.name}${op.vlan ? ` (vlan ${op.vlan.id} of ${op.vlan.link})` : ' (dummy)'}`
    case 'link.macvlan':
    case 'link.ipvlan':
      return `${op.kind} ${op.parent} → ${op.netns}:${op.name} (${op.mode})`
    case 'link.up':
      return `${op.kind} ${op.netns ?? ''}:${op.dev}${op.master ? ` master ${op.master}` : ''}`
    case 'link.delete':
      return `${op.kind} ${op.netns ?? ''}:${op.name}`
    case 'addr.add':
    case 'addr.delete':
      return `${op.kind} ${op.netns ?? ''}:${op.dev} ${op.ip}/${op.prefix}`
    case 'route.add':
    case 'route.delete':
      return `${op.kind} ${op.netns}:${op.dst}/${op.prefix} via ${op.gateway}`
    case 'files.write':
      return `${op.kind} ${op.netns} ${Object.keys(op.files).join(',')}`
    case 'nft.apply':
      return `${op.kind} (${op.commands.length} commands)`
    case 'link.hairpin':
      return `${op.kind} ${op.dev}`
    case 'sysctl.set':
      return `${op.kind} ${op.netns ? `${op.netns}:` : ''}${op.path.join('.')}=${op.value}`
    case 'conntrack.flush':
      return `${op.kind} ${op.ports.map(p => `${p.proto}/${p.port}`).join(',')}`
    case 'nft.holes':
      return `${op.kind} ${op.bridges.join(',')}`
  }
}
