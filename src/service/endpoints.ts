/**
 * Endpoints: validating and allocating a container's attachment to a
 * network, and `network connect` / `network disconnect`.
 */
import { conflict, forbidden, invalid } from '../errors.js'
import { planEndpointCreate, planEndpointRemove } from '../drivers/driver.js'
import { subnetOf } from '../drivers/bridge/plan-network.js'
import { type Addressing, allocateIp, checkRequestedIp } from '../model/ipam.js'
import { formatIpv4, parseCidrText, parseIpv4 } from '../model/ipv4.js'
import { containerIfname, containerMac, shortId, vethName } from '../model/names.js'
import type { AttachRequest } from '../model/parse-container.js'
import type { Container, Endpoint, Network, State } from '../model/types.js'
import { renderEmbeddedResolvConf, renderHosts, renderResolvConf } from '../plan/etc-files.js'
import { type Op, optional } from '../plan/ops.js'
import { planPortChange } from '../firewall/plan.js'
import { planRouteChange } from '../plan/route.js'
import { networkLookup } from './lookup.js'
import type { ServiceContext, TopologyListener } from './context.js'
import { findContainer, findNetwork } from './lookup.js'
import { createRecorded, removeRecorded } from './recorded.js'
import { endpointsOn, patchContainer, withEndpointStatus } from './state-ops.js'
import { newId } from '../model/ids.js'
import { FIREWALL_LOCK } from './locks.js'

const addressingOf = (n: Network): Addressing => ({
  subnet: subnetOf(n),
  gateway: parseIpv4(n.gateway) ?? 0,
  ipRange: n.ipRange ? parseCidrText(n.ipRange)?.cidr : undefined,
})

/** Validates an attachment and allocates its address, interface and names. */
export const buildEndpoint = (s: State, attach: AttachRequest, ifIndex: number): { net: Network; ep: Endpoint } => {
  const net = findNetwork(s, attach.network)
  if (net.status !== 'ready') throw conflict('E_NETWORK_BUSY', `network ${net.name} is still being created`)
  if (net.isDefault && attach.aliases.length > 0) {
    throw invalid('E_ALIAS_DEFAULT', 'network-scoped alias is supported only for containers in user defined networks')
  }
  const a = addressingOf(net)
  const taken = new Set(endpointsOn(s, net.id).map(e => parseIpv4(e.endpoint.ip) ?? 0))
  let ip: number | undefined
  if (attach.ip !== undefined) {
    if (!net.userSubnet) {
      throw invalid('E_IP_NEEDS_SUBNET', 'user specified IP address is supported only when connecting to networks with user configured subnets')
    }
    ip = checkRequestedIp(a, attach.ip, taken, net.name)
  } else {
    ip = allocateIp(a, taken)
    if (ip === undefined) throw conflict('E_NO_ADDRESS', `no available IPv4 addresses on network ${net.name} (${net.ipRange ?? net.subnet})`)
  }
  const id = newId()
  const ep: Endpoint = {
    id,
    networkId: net.id,
    ifname: containerIfname(ifIndex),
    // macvlan/ipvlan children have no host side; ipvlan ones use the parent's MAC.
    hostIfname: net.driver === 'bridge' ? vethName(id) : '',
    ip: formatIpv4(ip),
    mac: net.driver === 'ipvlan' ? '' : (attach.mac ?? containerMac(ip)),
    aliases: attach.aliases,
    status: 'creating',
  }
  return { net, ep }
}

/** /etc/hosts lines of a container's `--link`s (linked containers that still exist). */
const linkLines = (s: State, c: Container): string[] =>
  c.links.flatMap(l => {
    const target = s.containers.find(x => x.name === l.container && x.status !== 'removing')
    const ep = target?.endpoints.find(e => e.status !== 'removing' && s.networks.find(n => n.id === e.networkId)?.isDefault)
    if (!target || !ep) return []
    const names = [...new Set([l.alias, shortId(target.id), target.name])]
    return [`${ep.ip}\t${names.join(' ')}`]
  })

/** True when a container is on at least one user-defined network (it then uses berth's DNS). */
export const usesEmbeddedDns = (s: State, c: Container): boolean =>
  c.endpoints.some(e => e.status !== 'removing' && !s.networks.find(n => n.id === e.networkId)?.isDefault)

/** The files ip-netns(8) mounts over /etc for this container. */
export const etcFilesOf = (ctx: ServiceContext, c: Container): Record<string, string> => {
  const s = ctx.store.state
  return {
    hosts: renderHosts(c.hostname, c.endpoints.filter(e => e.status !== 'removing').map(e => e.ip), linkLines(s, c)),
    'resolv.conf': usesEmbeddedDns(s, c)
      ? renderEmbeddedResolvConf(ctx.hostResolv())
      : renderResolvConf(ctx.hostResolv(), ctx.cfg.dns),
    hostname: `${c.hostname}\n`,
  }
}

/** `network connect` and `network disconnect` on an existing container. */
export class EndpointService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly topology: TopologyListener,
  ) {}

  /** Docker's refusals for the network modes that have no endpoints of their own. */
  #checkMode(c: Container, network: string): void {
    if (c.mode === 'host' || network === 'host') {
      throw forbidden('E_HOST_MODE', 'container cannot be disconnected from host network or connected to host network')
    }
    if (c.mode === 'none' || network === 'none') {
      throw forbidden('E_NONE_MODE', 'container cannot be connected to multiple networks with one of the networks in private (none) mode')
    }
    if (c.mode === 'container') {
      throw forbidden('E_SHARED_NETNS', 'container sharing network namespace with another container or host cannot be connected to any other network')
    }
  }

  /** Attaches a container to one more network as the next `ethN`. */
  async connect(containerRef: string, attach: AttachRequest): Promise<void> {
    const c0 = findContainer(this.ctx.store.state, containerRef)
    await this.ctx.locks.with([`ctr:${c0.id}`, ...(c0.ports.length > 0 ? [FIREWALL_LOCK] : [])], async () => {
      const s = this.ctx.store.state
      const c = findContainer(s, c0.id)
      this.#checkMode(c, attach.network)
      const target = findNetwork(s, attach.network)
      if (c.status !== 'ready') throw conflict('E_CONTAINER_BUSY', `container ${c.name} is being ${c.status === 'creating' ? 'created' : 'removed'}`)
      if (c.endpoints.some(e => e.networkId === target.id)) {
        throw conflict('E_ENDPOINT_EXISTS', `endpoint with name ${c.name} already exists in network ${target.name}`)
      }
      const { net, ep } = buildEndpoint(s, attach, c.nextIfIndex)
      const next: Container = { ...c, endpoints: [...c.endpoints, ep], nextIfIndex: c.nextIfIndex + 1 }
      await createRecorded(this.ctx, {
        record: patchContainer(c.id, x => ({ ...x, endpoints: [...x.endpoints, ep], nextIfIndex: x.nextIfIndex + 1 })),
        plan: (before, after) => [
          ...planEndpointCreate(net, next, ep, false),
          ...planRouteChange(networkLookup(after), c, next),
          this.#filesOp(c, next),
          // Ports follow the default-route endpoint: a first endpoint makes them live.
          ...optional(planPortChange({ s: before, c }, { s: after, c: next })),
        ],
        commit: patchContainer(c.id, x => withEndpointStatus(x, ep.id, 'ready')),
        abandon: patchContainer(c.id, x => ({ ...x, endpoints: x.endpoints.filter(e => e.id !== ep.id) })),
      })
      await this.topology.sync()
      this.ctx.log.info({ container: c.id, network: net.id, ip: ep.ip, ifname: ep.ifname }, 'container connected')
    })
  }

  /** Detaches a container from a network. */
  async disconnect(containerRef: string, networkRef: string): Promise<void> {
    const c0 = findContainer(this.ctx.store.state, containerRef)
    await this.ctx.locks.with([`ctr:${c0.id}`, ...(c0.ports.length > 0 ? [FIREWALL_LOCK] : [])], async () => {
      const s = this.ctx.store.state
      const c = findContainer(s, c0.id)
      if (c.mode === 'host' || networkRef === 'host') this.#checkMode({ ...c, mode: 'host' }, networkRef)
      const net = findNetwork(s, networkRef)
      if (c.status !== 'ready') throw conflict('E_CONTAINER_BUSY', `container ${c.name} is being ${c.status === 'creating' ? 'created' : 'removed'}`)
      const ep = c.endpoints.find(e => e.networkId === net.id)
      if (!ep) throw conflict('E_NOT_CONNECTED', `container ${c.name} is not connected to network ${net.name}`)
      const next = withEndpointStatus(c, ep.id, 'removing')
      await removeRecorded(this.ctx, {
        mark: patchContainer(c.id, x => withEndpointStatus(x, ep.id, 'removing')),
        plan: (before, after) => [
          ...optional(planPortChange({ s: before, c }, { s: after, c: next })),
          ...planEndpointRemove(c, ep),
          ...planRouteChange(networkLookup(after), c, next),
          this.#filesOp(c, next),
        ],
        drop: patchContainer(c.id, x => ({ ...x, endpoints: x.endpoints.filter(e => e.id !== ep.id) })),
      })
      await this.topology.sync()
      this.ctx.log.info({ container: c.id, network: net.id }, 'container disconnected')
    })
  }

  #filesOp(before: Container, after: Container): Op {
    return { kind: 'files.write', netns: after.netns, files: etcFilesOf(this.ctx, after), previous: etcFilesOf(this.ctx, before) }
  }
}
