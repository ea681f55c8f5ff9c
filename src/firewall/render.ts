/**
 * Renders berth's whole nftables table from the model: pure and
 * snapshot-tested. Applying the rendered batch replaces the table in one
 * transaction, so reload, restart and repair are the same operation.
 *
 * What the rules do (Docker's FORWARD/POSTROUTING behaviour, oracle §1):
 *  - replies to connections containers made are let back in;
 *  - containers of one network talk to each other (ICC);
 *  - internal networks exchange nothing with any other interface;
 *  - two different berth networks never reach each other (isolation);
 *  - containers open connections out of the host, masqueraded;
 *  - nothing from outside opens a connection to a container directly: a
 *    raw-priority drop of anything addressed to a container that does not
 *    come from its bridge (Docker 28's "DROP DIRECT ACCESS"), and a drop of
 *    127.0.0.0/8 not from `lo` (CVE-2020-8558: berth bridges have
 *    route_localnet on, so that the host reaches ports via 127.0.0.1);
 *  - published ports (see ports.ts) are DNAT'ed and let through, with
 *    masquerade where the reply would not come back otherwise (hairpin,
 *    and connections from 127.0.0.1).
 *
 * Be aware: berth owns only its table; another table's drop (e.g. Docker's
 * FORWARD policy DROP) still applies to the same packets.
 */
import type { NftCommand } from '../kernel/nft.js'
import {
  type TableRef,
  accept,
  addBaseChain,
  addSet,
  addTable,
  ctState,
  ctStatusDnat,
  etherSaddr,
  deleteTable,
  drop,
  iifname,
  ipAddr,
  masquerade,
  oifname,
  rule,
} from './nft-json.js'
import { type FirewallPort, renderPorts } from './ports.js'

/** berth's one table. */
export const BERTH_TABLE: TableRef = { family: 'inet', name: 'berth' }

/** What the firewall needs to know about a network. */
export interface FirewallNetwork {
  readonly name: string
  readonly bridge: string
  readonly subnet: string
  readonly gateway: string
  readonly internal: boolean
  readonly icc: boolean
  readonly masquerade: boolean
  /** The bridge's own MAC (frames the host routes onto the bridge carry it). */
  readonly bridgeMac: string
}

/** nft limits comments to 128 bytes; network names can be longer. */
const label = (name: string): string => (name.length > 40 ? `${name.slice(0, 39)}…` : name)

const FORWARD = 'forward'
const RAW = 'raw_prerouting'
const POSTROUTING = 'postrouting'
const BRIDGES = '@bridges'

/** Intra-network traffic (Docker's ICC). */
const networkIccRules = (t: TableRef, n: FirewallNetwork): NftCommand[] =>
  n.icc
    ? [rule(t, FORWARD, `${label(n.name)}: containers on this network reach each other`, [iifname(n.bridge), oifname(n.bridge)], accept)]
    : []

/** enable_icc=false, routed side (with br_netfilter loaded, bridged frames come here too). */
const networkNoIccRules = (t: TableRef, n: FirewallNetwork): NftCommand[] =>
  n.icc
    ? []
    : [
        rule(
          t,
          FORWARD,
          `${label(n.name)}: enable_icc=false, containers on this network do not reach each other`,
          [iifname(n.bridge), oifname(n.bridge)],
          drop,
        ),
      ]

/** Internal networks exchange nothing with any other interface (published ports included). */
const networkInternalRules = (t: TableRef, n: FirewallNetwork): NftCommand[] =>
  n.internal
    ? [
        rule(t, FORWARD, `${label(n.name)} is internal: nothing leaves it`, [iifname(n.bridge)], drop),
        rule(t, FORWARD, `${label(n.name)} is internal: nothing enters it`, [oifname(n.bridge)], drop),
      ]
    : []

const networkNatRules = (t: TableRef, n: FirewallNetwork): NftCommand[] =>
  n.internal
    ? []
    : [
        ...(n.masquerade
          ? [
              rule(
                t,
                POSTROUTING,
                `${label(n.name)}: outbound traffic takes the host's address`,
                [ipAddr('saddr', n.subnet), oifname(n.bridge, '!=')],
                masquerade,
              ),
            ]
          : []),
        rule(
          t,
          POSTROUTING,
          `${label(n.name)}: hairpin, a container reaching a published port on its own network`,
          [ipAddr('saddr', n.subnet), ipAddr('daddr', n.subnet), ctStatusDnat],
          masquerade,
        ),
      ]

/**
 * Raw-priority drops: before conntrack and NAT see the packet. Not for a
 * network without masquerade: replies to its containers come back to their
 * own addresses (the forward chain still drops new connections to them).
 */
const networkRawRules = (t: TableRef, n: FirewallNetwork): NftCommand[] => !n.masquerade ? [] : [
  rule(
    t,
    RAW,
    `${label(n.name)}: containers are reached only from their bridge (or through a published port)`,
    [ipAddr('daddr', n.subnet), ipAddr('daddr', `${n.gateway}/32`, '!='), iifname(n.bridge, '!=')],
    drop,
  ),
]

/** Host-wide firewall settings and the published ports. */
export interface FirewallOptions {
  /** Drop forwarded traffic berth does not accept (set when berth enabled forwarding). */
  readonly dropOtherForwarding?: boolean | undefined
  readonly ports?: readonly FirewallPort[] | undefined
}

/**
 * The full batch: (re)create the table and everything in it. Networks are
 * rendered in the order given; callers pass them sorted for stable output.
 */
export const renderRuleset = (
  networks: readonly FirewallNetwork[],
  opts: FirewallOptions = {},
  t: TableRef = BERTH_TABLE,
): NftCommand[] => [
  // add+delete+add: replaces the table atomically whether or not it exists
  // (nft 1.0.6 has no `destroy`).
  addTable(t),
  deleteTable(t),
  addTable(t),
  addSet(t, 'bridges', 'ifname', networks.map(n => n.bridge), 'bridges of all berth networks'),
  addBaseChain(t, FORWARD, 'filter', 'forward', 0, opts.dropOtherForwarding ? 'drop' : 'accept'),
  addBaseChain(t, POSTROUTING, 'nat', 'postrouting', 100),
  addBaseChain(t, RAW, 'filter', 'prerouting', -300),
  rule(
    t,
    RAW,
    'CVE-2020-8558: 127.0.0.0/8 only from lo (berth bridges have route_localnet on)',
    [iifname('lo', '!='), ipAddr('daddr', '127.0.0.0/8')],
    drop,
  ),
  ...networks.flatMap(n => networkRawRules(t, n)),
  ...renderPorts(t, opts.ports ?? []),
  rule(t, FORWARD, 'replies to connections containers opened', [oifname(BRIDGES), ctState(['established', 'related'])], accept),
  ...networks.flatMap(n => networkIccRules(t, n)),
  ...networks.flatMap(n => networkInternalRules(t, n)),
  rule(t, FORWARD, 'published ports (DNAT by this table), from anywhere', [oifname(BRIDGES), ctStatusDnat], accept),
  ...networks.flatMap(n => networkNoIccRules(t, n)),
  rule(t, FORWARD, 'isolation: berth networks never reach each other', [iifname(BRIDGES), oifname(BRIDGES)], drop),
  rule(t, FORWARD, 'containers may open connections out of the host', [iifname(BRIDGES)], accept),
  rule(t, FORWARD, 'nothing outside may open a connection to a container', [oifname(BRIDGES)], drop),
  ...networks.flatMap(n => networkNatRules(t, n)),
  rule(
    t,
    POSTROUTING,
    'the host via 127.0.0.1 to a published port: from the gateway address',
    [oifname(BRIDGES), ipAddr('saddr', '127.0.0.0/8')],
    masquerade,
  ),
]

/** berth's bridge-family table: filters frames bridged between two ports of one bridge. */
export const BERTH_BRIDGE_TABLE: TableRef = { family: 'bridge', name: 'berth' }

/**
 * enable_icc=false on the bridge itself: IPv4 frames between two containers
 * of such a network never reach the IP layer (no br_netfilter needed), so
 * they are dropped where they are bridged; ARP still passes, and everything
 * routed through the host (gateway, DNS, outbound, published ports) is not
 * bridged port-to-port. Replaced whole while some network needs it; when
 * none does it is deleted if it may exist, and otherwise never named (a
 * kernel without bridge-family nftables must not fail every firewall batch).
 */
export const renderBridgeTable = (
  networks: readonly FirewallNetwork[],
  mayExist: boolean,
  t: TableRef = BERTH_BRIDGE_TABLE,
): NftCommand[] => {
  const noIcc = networks.filter(n => !n.icc)
  if (noIcc.length === 0) return mayExist ? [addTable(t), deleteTable(t)] : []
  return [
    addTable(t),
    deleteTable(t),
    addTable(t),
    addBaseChain(t, FORWARD, 'filter', 'forward', 0),
    ...noIcc.map(n =>
      rule(
        t,
        FORWARD,
        `${label(n.name)}: enable_icc=false, no IPv4 between its containers`,
        // Subnets are berth's own (never overlapping): `meta ibrname` needs nft_meta_bridge, which not
        // every kernel has. Frames the host itself routes onto the bridge (DNAT'ed published ports,
        // hairpin) carry the bridge's MAC and stay allowed.
        [ipAddr('saddr', n.subnet), ipAddr('daddr', n.subnet), etherSaddr(n.bridgeMac, '!=')],
        drop,
      ),
    ),
  ]
}

/** The batch that removes berth's table (for `system reset`). */
export const renderRemoval = (t: TableRef = BERTH_TABLE): NftCommand[] => [addTable(t), deleteTable(t)]
