/**
 * The nft table inside a container's netns that sends 127.0.0.11:53 to the
 * embedded DNS's real ports (Docker's DOCKER_OUTPUT chain), so port 53 of
 * the container stays free for its own programs. Replies are de-NAT'ed by
 * conntrack; the table goes away with the netns.
 */
import type { NftCommand } from '../kernel/nft.js'
import { type TableRef, addBaseChain, addTable, deleteTable, ipAddr, rule } from '../firewall/nft-json.js'
import { EMBEDDED_DNS } from '../plan/etc-files.js'

/** The table's name inside each container netns. */
export const DNS_TABLE: TableRef = { family: 'ip', name: 'berth_dns' }

const dport = (proto: 'udp' | 'tcp', port: number) => ({ match: { op: '==', left: { payload: { protocol: proto, field: 'dport' } }, right: port } })

/** The whole table (replaced atomically). */
export const renderDnsNat = (udpPort: number, tcpPort: number, t: TableRef = DNS_TABLE): NftCommand[] => [
  addTable(t),
  deleteTable(t),
  addTable(t),
  addBaseChain(t, 'output', 'nat', 'output', -100),
  ...(['udp', 'tcp'] as const).map(proto =>
    rule(
      t,
      'output',
      `embedded DNS: ${EMBEDDED_DNS}:53/${proto} is served by berthd on port ${proto === 'udp' ? udpPort : tcpPort}`,
      [ipAddr('daddr', `${EMBEDDED_DNS}/32`), dport(proto, 53)],
      { dnat: { family: 'ip', addr: EMBEDDED_DNS, port: proto === 'udp' ? udpPort : tcpPort } },
    ),
  ),
]
