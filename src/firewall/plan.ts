/**
 * The firewall as one op: the table rendered from the state after a change,
 * with the table rendered from the state before as its undo.
 */
import type { State } from '../model/types.js'
import type { Op } from '../plan/ops.js'
import { type FirewallNetwork, renderRuleset } from './render.js'

/** Networks the firewall covers: every one not being removed. */
export const firewallNetworks = (s: State): FirewallNetwork[] =>
  s.networks
    .filter(n => n.status !== 'removing')
    .map(n => ({ name: n.name, bridge: n.bridge, subnet: n.subnet, internal: n.internal }))

/** berth's whole table for a state. */
export const renderFor = (s: State) => renderRuleset(firewallNetworks(s), { dropOtherForwarding: s.forwardingByBerth })

/** The op that moves the table from `before` to `after`. */
export const planFirewall = (before: State, after: State): Op => ({
  kind: 'nft.apply',
  commands: renderFor(after),
  undo: renderFor(before),
})
