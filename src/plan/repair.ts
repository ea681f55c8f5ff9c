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
import { subnetOf } from '../drivers/bridge/plan-network.js'
import { hasHostSide, planEndpointCreate, planEndpointRefresh, planEndpointRemove, planNetworkCreate, planNetworkRemove } from '../drivers/driver.js'
import { overlaps } from '../model/ipv4.js'
import { OWNER_ALIAS_PREFIX, isDerivedName, ownerAlias } from '../model/names.js'
import type { Container, Endpoint, Lifecycle, Network, State } from '../model/types.js'
import type { Op } from './ops.js'
import { routeCarrier } from './route.js'
import { ownsNetns, planSandboxCreate, planSandboxRemove } from './sandbox.js'

/** What reconcile observed of the kernel. */
export interface Observed {
  /** Netns with berth's prefix: name → ifalias of their `lo`. */
  readonly netns: ReadonlyMap<string, string | undefined>
  /** Links of the daemon's netns: name → ifalias. */
  readonly hostLinks: ReadonlyMap<string, string | undefined>
  /** Links of the daemon's netns: name → up, and the name of their master (absent: not looked at). */
  readonly hostLinkState?: ReadonlyMap<string, { readonly up: boolean; readonly master: string | undefined }>
  /** Netns names that have their /etc/netns directory (absent: not looked at). */
  readonly etcDirs?: ReadonlySet<string>
}

/**
 * The teardown of what an interrupted create may have made. Making a link
 * and marking it with berth's ifalias are two netlink requests, so a crash
 * between them leaves the link unmarked — and garbage removal, which goes
 * by the alias, would never take it. A link whose name berth derived from
 * the id of the object recorded as `creating` is taken as berth's too; a
 * user-chosen name (`com.docker.network.bridge.name`) still needs the alias.
 */
const teardown = (status: Lifecycle, ops: Op[]): Op[] =>
  status !== 'creating'
    ? ops
    : ops.map(op => (op.kind === 'link.delete' && op.alias !== undefined && isDerivedName(op.name, op.alias) ? { ...op, unmarked: true } : op))

/**
 * What a crash left half-done: objects recorded as `creating` or `removing`
 * are torn down (tolerantly) and dropped from the state. A create is redone
 * by the user; a removal is thereby completed.
 */
export const planUnfinished = (s: State): { ops: Op[]; state: State; touched: ReadonlySet<string> } => {
  const ops: Op[] = []
  const containers: Container[] = []
  const touched = new Set<string>()
  for (const c of s.containers) {
    if (c.status !== 'ready') {
      ops.push(...teardown(c.status, planSandboxRemove(c)))
      continue
    }
    const unfinished = c.endpoints.filter(e => e.status !== 'ready')
    // Untouched records keep their identity: the store rewrites only what changed.
    if (unfinished.length === 0) {
      containers.push(c)
      continue
    }
    touched.add(c.id)
    ops.push(...unfinished.flatMap(e => teardown(e.status, planEndpointRemove(c, e))))
    containers.push({ ...c, endpoints: c.endpoints.filter(e => e.status === 'ready') })
  }
  ops.push(...s.networks.filter(n => n.status !== 'ready').flatMap(n => teardown(n.status, planNetworkRemove(n))))
  const networks = s.networks.filter(n => n.status === 'ready')
  const same = containers.length === s.containers.length && networks.length === s.networks.length && touched.size === 0
  return { ops, state: same ? s : { ...s, networks, containers }, touched }
}

/**
 * Puts the configured default network into the state. A changed bridge or
 * subnet makes it a new network (new id), so the old bridge becomes garbage.
 * The old one is kept as it is, with the reason in `kept`, while containers
 * use it or when the new one would clash with a user network.
 */
export const planDefaultNetwork = (s: State, wanted: Network): { state: State; kept: string | false } => {
  const existing = s.networks.find(n => n.isDefault)
  const others = s.networks.filter(n => !n.isDefault)
  const clash = others.find(n => n.bridge === wanted.bridge || overlaps(subnetOf(n), subnetOf(wanted)))
  if (!existing) {
    if (clash) throw new Error(`the default network (${wanted.bridge}, ${wanted.subnet}) clashes with network ${clash.name}`)
    return { state: { ...s, networks: [wanted, ...others] }, kept: false }
  }
  const same = existing.subnet === wanted.subnet && existing.gateway === wanted.gateway && existing.bridge === wanted.bridge
  if (same) return { state: s, kept: false }
  if (s.containers.some(c => c.endpoints.some(e => e.networkId === existing.id))) {
    return { state: s, kept: 'containers use it' }
  }
  if (clash) return { state: s, kept: `the configured one would clash with network ${clash.name}` }
  return { state: { ...s, networks: [wanted, ...others] }, kept: false }
}

/** Kernel objects berth owns that the state does not know: remove them. */
export const planGarbage = (s: State, o: Observed): Op[] => {
  // Each owner alias with the name its object must have: a berth link under
  // another name (e.g. after `--bridge` changed) is garbage too.
  const wanted = new Map<string, string>([
    ...s.networks.map(n => [ownerAlias(n.id), n.bridge] as const),
    ...s.containers.map(c => [ownerAlias(c.id), c.netns] as const),
    ...s.containers.flatMap(c => c.endpoints.map(e => [ownerAlias(e.id), e.hostIfname] as const)),
  ])
  const stale = (name: string, alias: string | undefined) =>
    (alias?.startsWith(OWNER_ALIAS_PREFIX) ?? false) && wanted.get(alias ?? '') !== name
  const links: Op[] = [...o.hostLinks]
    .filter(([name, alias]) => stale(name, alias))
    .map(([name, alias]) => ({ kind: 'link.delete', name, alias }))
  const netns: Op[] = [...o.netns]
    .filter(([name, alias]) => stale(name, alias))
    .flatMap(([netns]): Op[] => [
      { kind: 'files.remove', netns },
      { kind: 'netns.delete', netns },
    ])
  return [...links, ...netns]
}

/** Re-creates a network's bridge when it is missing (idempotent ops otherwise). */
export const planNetworkRepair = (n: Network, o: Observed): Op[] =>
  n.bridge === '' || o.hostLinks.get(n.bridge) === ownerAlias(n.id)
    ? planNetworkCreate(n).filter(op => op.kind !== 'link.bridge' && op.kind !== 'link.parent')
    : planNetworkCreate(n)

/**
 * Re-asserts a container's sandbox: the netns when it is gone (or is not
 * this container's), a veth pair when its host end is gone, the /etc files
 * when their directory is gone, and the idempotent rest — addresses, links
 * up, the default route — where a host end is down or off its bridge, or
 * where a crash interrupted a connect or disconnect (`interrupted`: the
 * default route may have been moving). A sandbox found whole gets no ops.
 */
export const planContainerRepair = (
  c: Container,
  networks: ReadonlyMap<string, Network>,
  files: Readonly<Record<string, string>>,
  o: Observed,
  interrupted = false,
): Op[] => {
  if (!ownsNetns(c)) return [] // host and container modes: nothing of their own to repair
  // A netns of that name that is not this container's (no or another owner
  // alias) does not count: garbage removal takes a stale berth one away.
  const netnsMissing = o.netns.get(c.netns) !== ownerAlias(c.id)
  if (netnsMissing) {
    return [
      ...planSandboxCreate(c, files),
      ...planEndpoints(c, networks, (n, ep, route) => [
        // A process can keep the deleted netns, and the old pair with it, alive: the old pair goes first.
        ...(hasHostSide(ep) && o.hostLinks.get(ep.hostIfname) === ownerAlias(ep.id) ? planEndpointRemove(c, ep) : []),
        ...planEndpointCreate(n, c, ep, route),
      ]),
    ]
  }
  const filesMissing = interrupted || !o.etcDirs || !o.etcDirs.has(c.netns)
  const ops: Op[] = filesMissing ? [{ kind: 'files.write', netns: c.netns, files }] : []
  ops.push(
    ...planEndpoints(c, networks, (n, ep, route) => {
      // A child interface (macvlan/ipvlan) has no host side to look at.
      if (!hasHostSide(ep)) return interrupted || !o.hostLinkState ? planEndpointRefresh(n, c, ep, route) : []
      // The peer may survive in the netns when only the host end vanished.
      if (o.hostLinks.get(ep.hostIfname) !== ownerAlias(ep.id)) {
        return [{ kind: 'link.delete', netns: c.netns, name: ep.ifname }, ...planEndpointCreate(n, c, ep, route)]
      }
      const host = o.hostLinkState?.get(ep.hostIfname)
      const whole = !interrupted && host !== undefined && host.up && host.master === n.bridge
      return whole ? [] : planEndpointRefresh(n, c, ep, route)
    }),
  )
  return ops
}

/** `plan` for each endpoint whose network is known, told whether it carries the default route. */
const planEndpoints = (
  c: Container,
  networks: ReadonlyMap<string, Network>,
  plan: (n: Network, ep: Endpoint, route: boolean) => Op[],
): Op[] => {
  const carrier = routeCarrier(id => networks.get(id), c)
  return c.endpoints.flatMap(ep => {
    const n = networks.get(ep.networkId)
    return n ? plan(n, ep, ep.id === carrier?.id) : []
  })
}
