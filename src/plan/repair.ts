/**
 * Startup and on-demand repair, pure: compares what the state says should
 * exist with what was observed and plans the difference (aesthetics P3:
 * "reload, restart and repair are the same reconcile over the same
 * planners").
 *
 * Be aware: only objects carrying berth's owner alias are ever removed —
 * host links by their own ifalias, netns by the ifalias of their `lo` — so
 * a foreign `br-…` bridge or `berth-…` netns is never touched.
 */
import { planEndpointCreate } from '../drivers/bridge/plan-endpoint.js'
import { planNetworkCreate } from '../drivers/bridge/plan-network.js'
import { OWNER_ALIAS_PREFIX, ownerAlias } from '../model/names.js'
import type { Container, Network, State } from '../model/types.js'
import type { Op } from './ops.js'
import { planSandboxCreate } from './sandbox.js'

/** What reconcile observed of the kernel. */
export interface Observed {
  /** Netns with berth's prefix: name → ifalias of their `lo`. */
  readonly netns: ReadonlyMap<string, string | undefined>
  /** Links of the daemon's netns: name → ifalias. */
  readonly hostLinks: ReadonlyMap<string, string | undefined>
}

const isOurs = (alias: string | undefined): boolean => alias?.startsWith(OWNER_ALIAS_PREFIX) ?? false

/** Kernel objects berth owns that the state does not know: remove them. */
export const planGarbage = (s: State, o: Observed): Op[] => {
  const wanted = new Set([
    ...s.networks.map(n => ownerAlias(n.id)),
    ...s.containers.map(c => ownerAlias(c.id)),
    ...s.containers.flatMap(c => c.endpoints.map(e => ownerAlias(e.id))),
  ])
  const stale = (alias: string | undefined) => isOurs(alias) && !wanted.has(alias ?? '')
  const links: Op[] = [...o.hostLinks].filter(([, a]) => stale(a)).map(([name]) => ({ kind: 'link.delete', name }))
  const netns: Op[] = [...o.netns]
    .filter(([, a]) => stale(a))
    .flatMap(([netns]): Op[] => [
      { kind: 'files.remove', netns },
      { kind: 'netns.delete', netns },
    ])
  return [...links, ...netns]
}

/** Re-creates a network's bridge when it is missing (idempotent ops otherwise). */
export const planNetworkRepair = (n: Network, o: Observed): Op[] =>
  o.hostLinks.get(n.bridge) === ownerAlias(n.id)
    ? planNetworkCreate(n).filter(op => op.kind !== 'link.bridge')
    : planNetworkCreate(n)

/**
 * Re-creates a container's sandbox when its netns is gone, or the endpoints
 * whose host veth is gone.
 */
export const planContainerRepair = (
  c: Container,
  networks: ReadonlyMap<string, Network>,
  files: Readonly<Record<string, string>>,
  o: Observed,
): Op[] => {
  // A netns of that name that is not this container's (no or another owner
  // alias) does not count: garbage removal takes a stale berth one away.
  const netnsMissing = o.netns.get(c.netns) !== ownerAlias(c.id)
  const ops: Op[] = netnsMissing ? planSandboxCreate(c, files) : []
  c.endpoints.forEach((ep, i) => {
    const n = networks.get(ep.networkId)
    if (!n || (!netnsMissing && o.hostLinks.get(ep.hostIfname) === ownerAlias(ep.id))) return
    // The peer may survive in the netns when only the host end vanished.
    if (!netnsMissing) ops.push({ kind: 'link.delete', netns: c.netns, name: ep.ifname })
    ops.push(...planEndpointCreate(n, c, ep, i === 0))
  })
  return ops
}
