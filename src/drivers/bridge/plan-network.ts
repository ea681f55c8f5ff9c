/**
 * Bridge driver, network level: the kernel bridge with the gateway address.
 */
import { formatIpv4, lastOf, parseCidrText } from '../../model/ipv4.js'
import { ownerAlias } from '../../model/names.js'
import type { Network } from '../../model/types.js'
import type { Op } from '../../plan/ops.js'

/** The subnet of a network as numbers (state holds canonical text). */
export const subnetOf = (n: Pick<Network, 'subnet'>) => {
  const parsed = parseCidrText(n.subnet)
  if (!parsed) throw new TypeError(`bad subnet in state: ${n.subnet}`)
  return parsed.cidr
}

/** A stable locally-administered bridge MAC derived from the network id, so
 * the bridge keeps one MAC across restarts instead of taking its ports'. */
export const bridgeMac = (networkId: string): string =>
  ['02', '42', ...(networkId.slice(0, 8).match(/../g) ?? [])].join(':')

/**
 * Creates the bridge, puts the gateway address on it and brings it up.
 * route_localnet lets the host reach published ports via 127.0.0.1 (the
 * DNAT'ed packet leaves through the bridge with source 127.0.0.1); the
 * firewall pairs it with the CVE-2020-8558 drop.
 */
export const planNetworkCreate = (n: Network): Op[] => {
  const subnet = subnetOf(n)
  return [
    { kind: 'link.bridge', name: n.bridge, mac: bridgeMac(n.id), mtu: n.mtu, alias: ownerAlias(n.id) },
    { kind: 'sysctl.set', path: ['net', 'ipv4', 'conf', n.bridge, 'route_localnet'], value: '1' },
    // An IPv4-only network: no IPv6 (link-local or SLAAC) on its bridge.
    { kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', n.bridge, 'disable_ipv6'], value: '1' },
    { kind: 'addr.add', dev: n.bridge, ip: n.gateway, prefix: subnet.prefix, broadcast: formatIpv4(lastOf(subnet)) },
    { kind: 'link.up', dev: n.bridge },
  ]
}

/** Removes the bridge (its address goes with it). */
export const planNetworkRemove = (n: Network): Op[] => [{ kind: 'link.delete', name: n.bridge, alias: ownerAlias(n.id) }]
