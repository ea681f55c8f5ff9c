/**
 * IP address management, pure: subnet selection from the address pools and
 * address allocation inside a subnet.
 *
 * Subnets are handed out round-robin as Docker does (oracle, Key behaviours
 * 3): the search starts after the last subnet handed out and wraps, so a
 * freed subnet is not reused straight away. Addresses are the lowest free
 * one, so a freed address is reused at once (Key behaviours 1).
 */
import { conflict, invalid } from '../errors.js'
import type { AddressPool } from './types.js'
import {
  type Cidr,
  contains,
  formatCidr,
  formatIpv4,
  lastOf,
  overlaps,
  parseCidrText,
} from './ipv4.js'

/** Docker's default pools: 172.17–172.31 as /16, then 192.168.0.0/16 as /20. */
export const DOCKER_DEFAULT_POOLS: readonly AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
]

interface ExpandedPool {
  readonly base: Cidr
  readonly size: number
  readonly count: number
}

const expand = (pools: readonly AddressPool[]): ExpandedPool[] =>
  pools.map(p => {
    const parsed = parseCidrText(p.base)
    if (!parsed || p.size < parsed.cidr.prefix || p.size > 30) {
      throw invalid('E_POOL', `invalid address pool base=${p.base},size=${p.size}`)
    }
    return { base: parsed.cidr, size: p.size, count: 2 ** (p.size - parsed.cidr.prefix) }
  })

/** Total number of subnets the pools can hand out. */
export const poolSubnetCount = (pools: readonly AddressPool[]): number =>
  expand(pools).reduce((n, p) => n + p.count, 0)

/** The `index`-th subnet across all pools, in pool order. */
export const poolSubnetAt = (pools: readonly AddressPool[], index: number): Cidr => {
  let i = index
  for (const p of expand(pools)) {
    if (i < p.count) return { addr: p.base.addr + i * 2 ** (32 - p.size), prefix: p.size }
    i -= p.count
  }
  throw new RangeError(`pool index ${index} out of range`)
}

/**
 * Next free subnet after `cursor`, wrapping once around all pools.
 * @returns the subnet and the new cursor, or undefined when all are in use.
 */
export const pickSubnet = (
  pools: readonly AddressPool[],
  cursor: number,
  inUse: readonly Cidr[],
): { subnet: Cidr; cursor: number } | undefined => {
  const total = poolSubnetCount(pools)
  for (let step = 1; step <= total; step++) {
    const index = (((cursor + step) % total) + total) % total
    const subnet = poolSubnetAt(pools, index)
    if (!inUse.some(u => overlaps(u, subnet))) return { subnet, cursor: index }
  }
  return undefined
}

/** The addressing of one network, as IPAM sees it. */
export interface Addressing {
  readonly subnet: Cidr
  readonly gateway: number
  readonly ipRange?: Cidr | undefined
}

/** True for the subnet's own network and broadcast addresses. */
const isReserved = (a: Addressing, ip: number): boolean =>
  ip === a.subnet.addr || (a.subnet.prefix < 31 && ip === lastOf(a.subnet))

/**
 * Lowest free address in the range (or subnet), skipping the network and
 * broadcast addresses, the gateway and `taken`.
 */
export const allocateIp = (a: Addressing, taken: ReadonlySet<number>): number | undefined => {
  const range = a.ipRange ?? a.subnet
  for (let ip = range.addr; ip <= lastOf(range); ip++) {
    if (!isReserved(a, ip) && ip !== a.gateway && !taken.has(ip)) return ip
  }
  return undefined
}

/** Checks a user-requested address (`--ip`); throws a clear error. */
export const checkRequestedIp = (
  a: Addressing,
  ip: number,
  taken: ReadonlySet<number>,
  networkName: string,
): number => {
  const text = formatIpv4(ip)
  if (!contains(a.subnet, ip)) {
    throw invalid(
      'E_IP_OUTSIDE',
      `IP address ${text} is outside subnet ${formatCidr(a.subnet)} of network ${networkName}`,
    )
  }
  if (isReserved(a, ip)) {
    throw invalid('E_IP_RESERVED', `IP address ${text} is the network or broadcast address of ${formatCidr(a.subnet)}`)
  }
  if (ip === a.gateway || taken.has(ip)) {
    throw conflict('E_IP_IN_USE', `Address already in use: ${text} on network ${networkName}`)
  }
  return ip
}
