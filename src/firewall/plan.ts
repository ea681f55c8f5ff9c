/**
 * The firewall as ops: the whole table rendered from the state (network
 * changes, with the table before as the undo), and a container's published
 * ports as map elements only (add/delete of exactly its elements).
 */
import { bridgeMac } from '../drivers/bridge/plan-network.js'
import type { Container, State } from '../model/types.js'
import type { Op } from '../plan/ops.js'
import { routeCarrier } from '../plan/route.js'
import type { FirewallPort } from './ports.js'
import { portElementCommands } from './ports.js'
import { BERTH_TABLE, type FirewallNetwork, renderBridgeTable, renderRuleset } from './render.js'

/** Networks the firewall covers: every one not being removed. */
export const firewallNetworks = (s: State): FirewallNetwork[] =>
  s.networks
    .filter(n => n.status !== 'removing' && n.driver === 'bridge')
    .map(n => ({
      name: n.name,
      bridge: n.bridge,
      subnet: n.subnet,
      gateway: n.gateway,
      internal: n.internal,
      icc: n.icc,
      masquerade: n.masquerade,
      bridgeMac: bridgeMac(n.id),
    }))

/**
 * A container's ports as DNAT targets: its address on the endpoint that
 * carries the default route (plan/route.ts). None on internal networks
 * (Docker ignores -p there) or without an endpoint.
 */
export const containerPorts = (s: State, c: Container | undefined): FirewallPort[] => {
  const carrier = c && routeCarrier(id => s.networks.find(n => n.id === id), c)
  const net = s.networks.find(n => n.id === carrier?.networkId)
  if (!c || !carrier || !net || net.internal || net.driver !== 'bridge') return []
  return c.ports.map(p => ({ ...p, containerIp: carrier.ip }))
}

/** Whether a state needs the bridge-family table (enable_icc=false without br_netfilter). */
export const needsBridgeTable = (s: State): boolean => !s.bridgeNetfilter && firewallNetworks(s).some(n => !n.icc)

/**
 * berth's tables for a state (inet berth, and bridge berth when needed), one
 * batch; `bridgeTableMayExist` says whether a bridge table may need deleting.
 */
export const renderFor = (s: State, bridgeTableMayExist: boolean) => [
  ...renderRuleset(firewallNetworks(s), {
    dropOtherForwarding: s.forwardingByBerth,
    ports: s.containers.filter(c => c.status !== 'removing').flatMap(c => containerPorts(s, c)),
  }),
  // With br_netfilter, bridged frames meet the inet rules (which let DNAT'ed ones through);
  // without it, enable_icc=false needs the bridge-family table.
  ...renderBridgeTable(s.bridgeNetfilter ? [] : firewallNetworks(s), bridgeTableMayExist),
]

/** The bridges whose traffic berth filters (the holes in a FORWARD chain follow them). */
export const firewallBridges = (s: State): string[] => firewallNetworks(s).map(n => n.bridge)

/** The ops that move the firewall from `before` to `after` (a network change). */
export const planFirewall = (before: State, after: State): Op[] => [
  { kind: 'nft.apply', commands: renderFor(after, needsBridgeTable(before)), undo: renderFor(before, needsBridgeTable(after)) },
  { kind: 'nft.holes', bridges: firewallBridges(after), previous: firewallBridges(before) },
]

/** The firewall as a state says it should be (start, repair), given whether the bridge table exists now. */
export const planFirewallFor = (s: State, bridgeTableExists: boolean): Op[] => [
  { kind: 'nft.apply', commands: renderFor(s, bridgeTableExists), undo: [] },
  { kind: 'nft.holes', bridges: firewallBridges(s), previous: [] },
]

const portKey = (p: FirewallPort) => JSON.stringify(p)

/**
 * The element changes that move one container's ports from `before` to
 * `after` (either may be undefined: publish, unpublish); undefined when
 * nothing changes.
 */
export const planPortChange = (
  before: { s: State; c: Container | undefined },
  after: { s: State; c: Container | undefined },
): Op | undefined => {
  const was = containerPorts(before.s, before.c)
  const is = containerPorts(after.s, after.c)
  const removed = was.filter(p => !is.some(q => portKey(q) === portKey(p)))
  const added = is.filter(p => !was.some(q => portKey(q) === portKey(p)))
  if (removed.length === 0 && added.length === 0) return undefined
  const commands = [...portElementCommands(BERTH_TABLE, 'delete', removed), ...portElementCommands(BERTH_TABLE, 'add', added)]
  const undo = [...portElementCommands(BERTH_TABLE, 'delete', added), ...portElementCommands(BERTH_TABLE, 'add', removed)]
  return { kind: 'nft.apply', commands, undo }
}
