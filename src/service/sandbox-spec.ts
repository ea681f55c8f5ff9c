/**
 * Validates a create request against the state and builds the container
 * record for its network mode (all checks before any kernel change):
 *  - networks: its own netns, one endpoint per network (eth0, eth1, …);
 *  - none: its own netns with only `lo`;
 *  - host: no netns of its own (the daemon's; Docker's `--network host`);
 *  - container:X: X's netns, shared (Docker's `--network container:X`).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { conflict, invalid } from '../errors.js'
import { netnsName, shortId } from '../model/names.js'
import type { ContainerCreateRequest } from '../model/parse-container.js'
import type { Container, Endpoint, Network, State } from '../model/types.js'
import type { ServiceContext } from './context.js'
import { buildEndpoint } from './endpoints.js'
import { findContainer } from './lookup.js'

/** What create needs: the record (without ports yet) and each endpoint's network. */
export interface SandboxSpec {
  readonly container: Omit<Container, 'ports'>
  readonly networks: ReadonlyMap<string, Network>
  /** Docker's warnings (e.g. ports discarded in host mode). */
  readonly warnings: readonly string[]
  /** False when the mode has nowhere to publish ports (host, none, internal networks). */
  readonly canPublish: boolean
}

const linksOf = (s: State, links: ContainerCreateRequest['links']): Container['links'] =>
  links.map(l => {
    let target: Container
    try {
      target = findContainer(s, l.container)
    } catch {
      throw invalid('E_LINK', `could not get container for ${l.container}: no such container`)
    }
    const onDefault = target.endpoints.some(e => s.networks.find(n => n.id === e.networkId)?.isDefault)
    if (!onDefault) throw invalid('E_LINK', `cannot link to ${target.name}: it is not on the default bridge network`)
    return { container: target.name, alias: l.alias === l.container ? target.name : l.alias }
  })

/** The endpoints of a networks-mode create, each on a different network. */
const endpointsOf = (s: State, req: ContainerCreateRequest): { endpoints: Endpoint[]; networks: Map<string, Network> } => {
  const endpoints: Endpoint[] = []
  const networks = new Map<string, Network>()
  if (req.mode.kind !== 'networks') return { endpoints, networks }
  // Each endpoint is on a different network, so their addresses cannot clash.
  req.mode.attach.forEach((attach, i) => {
    const { net, ep } = buildEndpoint(s, attach, i)
    if (endpoints.some(e => e.networkId === net.id)) throw invalid('E_DUPLICATE_NETWORK', `network ${net.name} is given twice`)
    endpoints.push(ep)
    networks.set(ep.id, net)
  })
  return { endpoints, networks }
}

/** Builds the record for `req` with id `id`, or throws a classified error. */
export const buildSandbox = (ctx: ServiceContext, s: State, req: ContainerCreateRequest, id: string): SandboxSpec => {
  const clash = s.containers.find(c => c.name === req.name)
  if (clash) {
    throw conflict(
      'E_NAME_IN_USE',
      `Conflict. The container name "/${req.name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    )
  }
  const warnings: string[] = []
  let netns = ''
  let joined: string | undefined
  if (req.mode.kind === 'container') {
    const owner = findContainer(s, req.mode.container)
    if (owner.status !== 'ready' || owner.mode === 'host') {
      throw conflict('E_NETWORK_MODE', `cannot join the network namespace of container ${owner.name}`)
    }
    if (req.ports.length > 0) throw invalid('E_NETWORK_MODE', 'conflicting options: port publishing and the container type network mode')
    joined = owner.joined ?? owner.id
    netns = owner.netns
  } else if (req.mode.kind !== 'host') {
    netns = netnsName(ctx.cfg.netnsPrefix, req.name)
    if (ctx.kernel.netns.exists(netns) || fs.existsSync(path.join(ctx.cfg.etcNetnsDir, netns))) {
      throw conflict(
        'E_NETNS_EXISTS',
        `network namespace ${netns} (or /etc/netns/${netns}) already exists and is not this berth's; remove it or choose another name`,
      )
    }
  }
  if (req.mode.kind === 'host' && req.ports.length > 0) warnings.push('Published ports are discarded when using host network mode')
  if (req.mode.kind === 'none' && req.ports.length > 0) warnings.push('Published ports are discarded when using none network mode')
  const { endpoints, networks } = endpointsOf(s, req)
  const first = endpoints[0] && networks.get(endpoints[0].id)
  if (first?.internal && req.ports.length > 0) warnings.push('Published ports are discarded on internal networks')
  else if (first && first.driver !== 'bridge' && req.ports.length > 0) warnings.push(`Published ports are discarded on ${first.driver} networks`)
  const container: Omit<Container, 'ports'> = {
    id,
    name: req.name,
    // Host mode has the host's name (no UTS namespace of its own, as in Docker).
    hostname: req.hostname ?? (req.mode.kind === 'host' ? os.hostname() : shortId(id)),
    created: new Date().toISOString(),
    mode: req.mode.kind === 'networks' ? 'bridge' : req.mode.kind,
    ...(joined ? { joined } : {}),
    netns,
    cmd: req.cmd,
    endpoints,
    links: linksOf(s, req.links),
    nextIfIndex: endpoints.length,
    process: { status: 'created' },
    status: 'creating',
  }
  return { container, networks, warnings, canPublish: req.mode.kind === 'networks' && first?.driver === 'bridge' && !first.internal }
}
