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

/** The op that moves the table from `before` to `after`. */
export const planFirewall = (before: State, after: State): Op => ({
  kind: 'nft.apply',
  commands: renderRuleset(firewallNetworks(after)),
  undo: renderRuleset(firewallNetworks(before)),
})
