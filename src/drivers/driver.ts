/**
 * The network drivers behind one set of planner functions, chosen by the
 * network's driver: bridge (veth pairs on a Linux bridge, NAT, firewall) or
 * macvlan/ipvlan (child interfaces of a host link).
 */
import type { Container, Endpoint, Network } from '../model/types.js'
import type { Op } from '../plan/ops.js'
import * as bridgeEndpoint from './bridge/plan-endpoint.js'
import * as bridgeNetwork from './bridge/plan-network.js'
import * as child from './child/plan.js'

/** Creates what the network needs in the kernel. */
export const planNetworkCreate = (n: Network): Op[] =>
  n.driver === 'bridge' ? bridgeNetwork.planNetworkCreate(n) : child.planChildNetworkCreate(n)

/** Removes what the network made in the kernel. */
export const planNetworkRemove = (n: Network): Op[] =>
  n.driver === 'bridge' ? bridgeNetwork.planNetworkRemove(n) : child.planChildNetworkRemove(n)

/** Attaches an endpoint. */
export const planEndpointCreate = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] =>
  n.driver === 'bridge' ? bridgeEndpoint.planEndpointCreate(n, c, ep, defaultRoute) : child.planChildEndpointCreate(n, c, ep, defaultRoute)

/** Re-asserts an existing endpoint. */
export const planEndpointRefresh = (n: Network, c: Container, ep: Endpoint, defaultRoute: boolean): Op[] =>
  n.driver === 'bridge' ? bridgeEndpoint.planEndpointRefresh(n, c, ep, defaultRoute) : child.planChildEndpointRefresh(n, c, ep, defaultRoute)

/** Detaches an endpoint: the host veth of a bridge endpoint, else the child inside the netns. */
export const planEndpointRemove = (c: Container, ep: Endpoint): Op[] =>
  ep.hostIfname ? bridgeEndpoint.planEndpointRemove(ep) : [{ kind: 'link.delete', netns: c.netns, name: ep.ifname }]

/** True when the endpoint has a host side (a bridge veth). */
export const hasHostSide = (ep: Endpoint): boolean => ep.hostIfname !== ''
