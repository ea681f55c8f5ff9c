/**
 * Encoding helpers for rtnetlink requests and the shapes berth reads back
 * (kernel/rtnl.ts sends them).
 */
import { AttrStream, type StreamData } from 'netlink'
import { parseIpv4 } from '../model/ipv4.js'

/** Encodes attribute stream data into one buffer (nested attributes). */
export const encode = (data: StreamData): Buffer => {
  const s = new AttrStream()
  s.emit(data)
  return Buffer.concat(s.bufs)
}

/** An IPv4 address as the 4 network-order bytes netlink wants. */
export const ip4 = (text: string): Buffer => {
  const n = parseIpv4(text)
  if (n === undefined) throw new TypeError(`not an IPv4 address: ${text}`)
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

/** A MAC address as 6 bytes. */
export const mac = (text: string): Buffer => Buffer.from(text.split(':').map(h => parseInt(h, 16)))

/** 6 bytes as `aa:bb:…`. */
export const macText = (b: Buffer): string => [...b].map(x => x.toString(16).padStart(2, '0')).join(':')

/** IFLA_LINK is a host-endian u32 the package types as raw bytes. */
export const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4)
  b.writeUInt32LE(n)
  return b
}

/** The errno name in a `netlink` rejection, e.g. `EEXIST`. */
export const errnoOf = (e: unknown): string | undefined =>
  /\b(E[A-Z0-9]+)\b/.exec(e instanceof Error ? e.message : String(e))?.[1]

/** A link as berth observes it. */
export interface LinkInfo {
  readonly index: number
  readonly name: string
  readonly alias?: string | undefined
  readonly master?: number | undefined
  readonly up: boolean
  readonly mtu?: number | undefined
  /** Lower-case `aa:bb:…`. */
  readonly mac?: string | undefined
}

/** An IPv4 route of the main table. */
export interface RouteInfo {
  readonly dst: string
  readonly prefix: number
  readonly oif?: number | undefined
}


/**
 * RTM_SETLINK turning on hairpin mode of bridge port `index`, so a frame can
 * leave by the port it came in. Hand-built: the `netlink` package cannot
 * mark IFLA_PROTINFO as nested, and without NLA_F_NESTED the kernel reads it
 * as the old "port state" format.
 */
export const hairpinMessage = (index: number): Buffer => {
  const AF_BRIDGE = 7
  const IFLA_PROTINFO = 12
  const NLA_F_NESTED = 0x8000
  const IFLA_BRPORT_MODE = 4
  const msg = Buffer.alloc(16 + 4 + 8)
  msg.writeUInt8(AF_BRIDGE, 0) // ifinfomsg: family, pad, type, index, flags, change
  msg.writeInt32LE(index, 4)
  msg.writeUInt16LE(4 + 8, 16) // IFLA_PROTINFO | NLA_F_NESTED, holding:
  msg.writeUInt16LE(IFLA_PROTINFO | NLA_F_NESTED, 18)
  msg.writeUInt16LE(5, 20) //   IFLA_BRPORT_MODE (u8) = 1, padded to 8
  msg.writeUInt16LE(IFLA_BRPORT_MODE, 22)
  msg.writeUInt8(1, 24)
  return msg
}
