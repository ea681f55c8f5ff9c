/**
 * IPv4 addresses and prefixes as plain numbers: pure helpers shared by IPAM,
 * parsing and the planners.
 *
 * Be aware: IPv4 only; berth's networks are IPv4-only for now.
 */

/** An IPv4 network: `addr` is the first address (host bits zero). */
export interface Cidr {
  readonly addr: number
  readonly prefix: number
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** Parses dotted-quad text; undefined when it is not an IPv4 address. */
export const parseIpv4 = (text: string): number | undefined => {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every(p => OCTET.test(p))) return undefined
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0)
}

/** Formats a number as dotted-quad text. */
export const formatIpv4 = (n: number): string =>
  [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')

/** The netmask of a prefix length, as an unsigned number. */
export const maskOf = (prefix: number): number =>
  prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0

/** `a.b.c.d/n` → {addr, prefix, host}; host is the address as written. */
export const parseCidrText = (
  text: string,
): { cidr: Cidr; host: number } | undefined => {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text)
  if (!m) return undefined
  const host = parseIpv4(m[1] ?? '')
  const prefix = Number(m[2])
  if (host === undefined || prefix > 32) return undefined
  return { cidr: { addr: (host & maskOf(prefix)) >>> 0, prefix }, host }
}

/** Canonical text form, e.g. `172.18.0.0/16`. */
export const formatCidr = (c: Cidr): string => `${formatIpv4(c.addr)}/${c.prefix}`

/** Number of addresses in the prefix. */
export const sizeOf = (c: Cidr): number => 2 ** (32 - c.prefix)

/** Last address (the broadcast address for prefixes up to /30). */
export const lastOf = (c: Cidr): number => c.addr + sizeOf(c) - 1

/** True when `ip` lies inside `c`. */
export const contains = (c: Cidr, ip: number): boolean =>
  ip >= c.addr && ip <= lastOf(c)

/** True when the two prefixes share at least one address. */
export const overlaps = (a: Cidr, b: Cidr): boolean =>
  a.addr <= lastOf(b) && b.addr <= lastOf(a)

/** True when `inner` lies completely inside `outer`. */
export const within = (outer: Cidr, inner: Cidr): boolean =>
  contains(outer, inner.addr) && contains(outer, lastOf(inner))

/** The 4 bytes of an address, most significant first. */
export const bytesOf = (ip: number): number[] => [
  ip >>> 24,
  (ip >>> 16) & 255,
  (ip >>> 8) & 255,
  ip & 255,
]
