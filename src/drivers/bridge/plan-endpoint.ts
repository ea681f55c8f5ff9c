/**
 * Bridge driver, endpoint level: a veth pair whose host end is a port of the
 * network's bridge and whose peer is born inside the container netns as
 * `ethN`, with the container's address, and the default route when the
 * endpoint carries it.
 */
import { formatIpv4, lastOf } from '../../model/ipv4.js'
import { ownerAlias } from '../../model/names.js'
import type { Container, Endpoint, Network } from '../../model/types.js'
import type { Op } from '../../plan/ops.js'
import { subnetOf } from './plan-network.js'

/** The container side's address and, for the carrier, the default route (every driver). */
export const planAddressing = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] => {
  const subnet = subnetOf(n)
  return [
    {
      kind: 'addr.add',
      netns: c.netns,
      dev: ep.ifname,
      ip: ep.ip,
      prefix: subnet.prefix,
      broadcast: formatIpv4(lastOf(subnet)),
    },
    ...(defaultRoute
      ? [{ kind: 'route.add', netns: c.netns, dst: '0.0.0.0', prefix: 0, gateway: n.gateway, dev: ep.ifname } as const]
      : []),
  ]
}

/**
 * Attaches `ep` of `c` to network `n`. The host end is created up and
 * already a port of the bridge (one netlink request instead of three).
 */
export const planEndpointCreate = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] => [
  {
    kind: 'link.veth',
    host: ep.hostIfname,
    peer: ep.ifname,
    netns: c.netns,
    bridge: n.bridge,
    peerMac: ep.mac,
    mtu: n.mtu,
    alias: ownerAlias(ep.id),
  },
  // No IPv6 on the host end of an IPv4-only network (CVE-2024-32473).
  { kind: 'sysctl.set', path: ['net', 'ipv6', 'conf', ep.hostIfname, 'disable_ipv6'], value: '1' },
  // A container reaching its own published port: the frame leaves by the port it came in.
  { kind: 'link.hairpin', dev: ep.hostIfname },
  { kind: 'link.up', netns: c.netns, dev: ep.ifname },
  ...planAddressing(n, c, ep, defaultRoute),
]

/** Re-asserts an existing endpoint (repair): both ends up, the host end on its bridge, address, route. */
export const planEndpointRefresh = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] => [
  { kind: 'link.up', dev: ep.hostIfname, master: n.bridge },
  { kind: 'link.hairpin', dev: ep.hostIfname },
  { kind: 'link.up', netns: c.netns, dev: ep.ifname },
  ...planAddressing(n, c, ep, defaultRoute),
]

/** Detaches an endpoint: deleting the host end removes the pair. */
export const planEndpointRemove = (ep: Endpoint): Op[] => [
  { kind: 'link.delete', name: ep.hostIfname, alias: ownerAlias(ep.id) },
]
