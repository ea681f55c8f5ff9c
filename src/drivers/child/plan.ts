/**
 * macvlan and ipvlan drivers (Docker's): containers get a child interface
 * of a parent link of the host, born directly inside their netns; no
 * bridge, no NAT, no firewall rules — they sit on the parent's segment.
 * A parent `IF.N` is an 802.1Q sub-interface berth makes (and removes with
 * the network); no parent at all means an internal network on a dummy.
 *
 * Be aware: the host cannot reach its own macvlan children through the
 * parent (kernel behaviour); ipvlan children share the parent's MAC.
 */
import { ownerAlias } from '../../model/names.js'
import type { Container, Endpoint, Network } from '../../model/types.js'
import type { Op } from '../../plan/ops.js'
import { planAddressing } from '../bridge/plan-endpoint.js'

/** `IF.N` → VLAN N on IF. */
export const vlanOf = (parent: string | undefined): { link: string; id: number } | undefined => {
  const m = parent ? /^(.+)\.(\d+)$/.exec(parent) : null
  return m?.[1] && m[2] ? { link: m[1], id: Number(m[2]) } : undefined
}

/** The link the children hang from: berth's own (VLAN or dummy) or the user's parent. */
const parentOf = (n: Network): string => n.bridge || n.parent || ''

/** Makes the parent berth owns (VLAN sub-interface or dummy), if any. */
export const planChildNetworkCreate = (n: Network): Op[] =>
  n.bridge
    ? [
        { kind: 'link.parent', name: n.bridge, vlan: vlanOf(n.parent), alias: ownerAlias(n.id) },
        { kind: 'link.up', dev: n.bridge },
      ]
    : []

/** Removes the parent berth made (never the user's). */
export const planChildNetworkRemove = (n: Network): Op[] =>
  n.bridge ? [{ kind: 'link.delete', name: n.bridge, alias: ownerAlias(n.id) }] : []

/** A child interface in the container, its address and (for the carrier) the default route. */
export const planChildEndpointCreate = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] => [
  {
    kind: n.driver === 'ipvlan' ? 'link.ipvlan' : 'link.macvlan',
    netns: c.netns,
    name: ep.ifname,
    parent: parentOf(n),
    mode: n.driverMode ?? (n.driver === 'ipvlan' ? 'l2' : 'bridge'),
    // ipvlan children share the parent's MAC; macvlan ones get Docker's.
    mac: n.driver === 'ipvlan' ? undefined : ep.mac,
    mtu: n.mtu,
  },
  { kind: 'link.up', netns: c.netns, dev: ep.ifname },
  ...planAddressing(n, c, ep, defaultRoute),
]

/** Re-asserts an existing child (repair): up, address, route. */
export const planChildEndpointRefresh = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] => [
  { kind: 'link.up', netns: c.netns, dev: ep.ifname },
  ...planAddressing(n, c, ep, defaultRoute),
]
