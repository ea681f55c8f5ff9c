/**
 * Sandbox plans: the container's named netns with `lo` up and its /etc
 * files, and the removal of everything a container owns.
 */
import { planEndpointRemove } from '../drivers/driver.js'
import { ownerAlias } from '../model/names.js'
import type { Container } from '../model/types.js'
import type { Op } from './ops.js'

/** True when the container has a netns of its own (bridge and none modes). */
export const ownsNetns = (c: Pick<Container, 'mode'>): boolean => c.mode === 'bridge' || c.mode === 'none'

/**
 * Creates the netns, brings `lo` up and writes hosts/resolv.conf/hostname.
 * `lo` carries berth's owner alias: the proof, after a lost state, that a
 * netns with berth's prefix really is berth's (and not someone's `berth-x`).
 */
export const planSandboxCreate = (c: Container, files: Readonly<Record<string, string>>): Op[] => [
  { kind: 'netns.create', netns: c.netns },
  // IPv4-only networks: no IPv6 on any interface of the sandbox, those made
  // later included (CVE-2024-32473: no link-local or SLAAC addresses).
  ...(['all', 'default'] as const).map((scope): Op => ({
    kind: 'sysctl.set',
    netns: c.netns,
    path: ['net', 'ipv6', 'conf', scope, 'disable_ipv6'],
    value: '1',
  })),
  { kind: 'link.up', netns: c.netns, dev: 'lo', alias: ownerAlias(c.id) },
  { kind: 'files.write', netns: c.netns, files },
]

/**
 * Removes a container's kernel objects: host veth ends first (deleting the
 * netns would take the pairs along, but only once nothing holds the netns
 * open), then the /etc files and the netns. Tolerant of anything missing.
 */
export const planSandboxRemove = (c: Container): Op[] =>
  ownsNetns(c)
    ? [...c.endpoints.flatMap(ep => planEndpointRemove(c, ep)), { kind: 'files.remove', netns: c.netns }, { kind: 'netns.delete', netns: c.netns }]
    : [] // host and container modes: the netns is not this container's
