/**
 * Network operations: parse → validate all → plan → apply → persist.
 */
import { conflict, forbidden, invalid } from '../errors.js'
import { vlanOf } from '../drivers/child/plan.js'
import type { LinkInfo } from '../kernel/rtnl.js'
import { subnetOf } from '../drivers/bridge/plan-network.js'
import { planNetworkCreate, planNetworkRemove } from '../drivers/driver.js'
import { planFirewall } from '../firewall/plan.js'
import { newId } from '../model/ids.js'
import { pickSubnet } from '../model/ipam.js'
import { type Cidr, formatCidr, formatIpv4, overlaps } from '../model/ipv4.js'
import { OWNER_ALIAS_PREFIX, bridgeName, checkIfname } from '../model/names.js'
import type { NetworkCreateRequest } from '../model/parse-network.js'
import { OPT_BRIDGE_NAME, OPT_MTU } from '../model/parse-network.js'
import type { Network, State } from '../model/types.js'
import type { ServiceContext } from './context.js'
import { findNetwork } from './lookup.js'
import { FIREWALL_LOCK } from './locks.js'
import { createRecorded, removeRecorded } from './recorded.js'
import { dropNetwork, endpointsOn, putNetwork } from './state-ops.js'

/**
 * The link a macvlan/ipvlan network owns: a VLAN sub-interface berth makes
 * (`IF.N` whose IF exists), a dummy when there is no parent, or '' when the
 * parent is an existing link of the host (used, never changed).
 */
const childParent = (req: NetworkCreateRequest, links: readonly LinkInfo[], id: string): string => {
  const exists = (name: string) => links.some(l => l.name === name)
  if (!req.parent) return checkIfname(`dm-${id.slice(0, 12)}`, 'dummy parent')
  if (exists(req.parent)) return ''
  const vlan = vlanOf(req.parent)
  if (vlan && exists(vlan.link)) return req.parent
  throw invalid('E_PARENT', `parent interface ${vlan ? vlan.link : req.parent} does not exist`)
}

/** Names Docker reserves for its predefined networks. */
const PREDEFINED = ['bridge', 'host', 'none']
/** Network create/remove/prune also share the pool cursor: one lock (see FIREWALL_LOCK). */
const NETWORKS_LOCK = FIREWALL_LOCK


/** Network create/inspect/remove/prune. */
export class NetworkService {
  constructor(private readonly ctx: ServiceContext) {}

  /** All networks (those being removed are already gone for users). */
  list(): Network[] {
    return this.ctx.store.state.networks.filter(n => n.status !== 'removing')
  }

  /** One network by name, id or id prefix. */
  inspect(ref: string): Network {
    return findNetwork(this.ctx.store.state, ref)
  }

  /** Host routes that subnets must not overlap (not berth's own bridges). */
  async #hostRoutes(links: readonly LinkInfo[]): Promise<{ cidr: Cidr; text: string }[]> {
    const routes = await this.ctx.kernel.hostRoutes()
    const ours = new Set(links.filter(l => l.alias?.startsWith(OWNER_ALIAS_PREFIX)).map(l => l.index))
    return routes
      .filter(r => r.prefix > 0 && !(r.oif !== undefined && ours.has(r.oif)))
      .map(r => {
        const cidr = subnetOf({ subnet: `${r.dst}/${r.prefix}` })
        const dev = links.find(l => l.index === r.oif)?.name
        return { cidr, text: `${formatCidr(cidr)}${dev ? ` dev ${dev}` : ''}` }
      })
  }

  /** Checks an explicit subnet against berth's networks and the host's routes. */
  #checkSubnet(s: State, subnet: Cidr, routes: { cidr: Cidr; text: string }[]): void {
    const clash = s.networks.find(n => overlaps(subnetOf(n), subnet))
    if (clash) {
      throw conflict('E_SUBNET_OVERLAP', `subnet ${formatCidr(subnet)} overlaps with network ${clash.name} (${clash.subnet})`)
    }
    const route = routes.find(r => overlaps(r.cidr, subnet))
    if (route) throw conflict('E_SUBNET_ROUTE', `subnet ${formatCidr(subnet)} overlaps with a route of the host (${route.text})`)
  }

  /** Validates a request against the current state and builds the network. */
  #build(
    s: State,
    req: NetworkCreateRequest,
    hostRoutes: { cidr: Cidr; text: string }[],
    links: readonly LinkInfo[],
  ): { net: Network; cursor: number } {
    if (PREDEFINED.includes(req.name) || s.networks.some(n => n.name === req.name)) {
      throw conflict('E_NETWORK_EXISTS', `network with name ${req.name} already exists`)
    }
    // macvlan/ipvlan networks live on the parent's segment: its routes are expected to overlap.
    const routes = req.driver === 'bridge' ? hostRoutes : []
    let subnet = req.subnet
    let cursor = s.poolCursor
    if (subnet) {
      this.#checkSubnet(s, subnet, routes)
    } else {
      const inUse = [...s.networks.map(subnetOf), ...routes.map(r => r.cidr)]
      const picked = pickSubnet(this.ctx.cfg.defaultAddressPools, cursor, inUse)
      if (!picked) {
        throw conflict('E_POOLS_EXHAUSTED', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network')
      }
      subnet = picked.subnet
      cursor = picked.cursor
    }
    const id = newId()
    const owned = req.driver === 'bridge' ? (req.bridgeName ?? bridgeName(id)) : childParent(req, links, id)
    const sameBridge = owned ? s.networks.find(n => n.bridge === owned) : undefined
    if (sameBridge) throw conflict('E_BRIDGE_IN_USE', `${owned} is already used by network ${sameBridge.name}`)
    const bridge = owned
    const net: Network = {
      id,
      name: req.name,
      driver: req.driver,
      parent: req.parent,
      driverMode: req.driverMode,
      created: new Date().toISOString(),
      subnet: formatCidr(subnet),
      gateway: formatIpv4(req.gateway ?? subnet.addr + 1),
      ipRange: req.ipRange ? formatCidr(req.ipRange) : undefined,
      userSubnet: req.subnet !== undefined,
      bridge,
      mtu: req.mtu,
      // No parent: an internal network on a dummy (Docker's macvlan/ipvlan behaviour).
      internal: req.internal || (req.driver !== 'bridge' && !req.parent),
      icc: req.icc,
      masquerade: req.masquerade,
      attachable: req.attachable,
      isDefault: false,
      options: {
        ...req.options,
        ...(req.mtu ? { [OPT_MTU]: String(req.mtu) } : {}),
        ...(req.driver === 'bridge' ? { [OPT_BRIDGE_NAME]: bridge } : { [`${req.driver}_mode`]: req.driverMode ?? '' }),
      },
      labels: req.labels,
      status: 'creating',
    }
    return { net, cursor }
  }

  /** Creates a bridge network. */
  async create(req: NetworkCreateRequest): Promise<Network> {
    return this.ctx.locks.with([NETWORKS_LOCK], async () => {
      const links = await this.ctx.kernel.hostLinks()
      const routes = await this.#hostRoutes(links)
      const { net, cursor } = this.#build(this.ctx.store.state, req, routes, links)
      await createRecorded(this.ctx, {
        record: s => ({ ...putNetwork(net)(s), poolCursor: cursor }),
        plan: (before, after) => [...planNetworkCreate(net), ...planFirewall(before, after)],
        commit: putNetwork({ ...net, status: 'ready' }),
        abandon: dropNetwork(net.id),
      })
      this.ctx.log.info({ network: net.id, name: net.name, subnet: net.subnet, bridge: net.bridge }, 'network created')
      return this.inspect(net.id)
    })
  }

  /** Removes a network without endpoints (Docker refuses otherwise). */
  async remove(ref: string): Promise<void> {
    return this.ctx.locks.with([NETWORKS_LOCK], async () => {
      const s = this.ctx.store.state
      const net = findNetwork(s, ref, { removing: true })
      if (net.isDefault) throw forbidden('E_PREDEFINED', `${net.name} is a pre-defined network and cannot be removed`)
      const eps = endpointsOn(s, net.id)
      if (eps.length > 0) {
        throw forbidden(
          'E_ACTIVE_ENDPOINTS',
          `error while removing network: network ${net.name} id ${net.id} has active endpoints (${eps.map(e => e.container.name).join(', ')})`,
        )
      }
      await this.#removeUnchecked(net)
    })
  }

  async #removeUnchecked(net: Network): Promise<void> {
    await removeRecorded(this.ctx, {
      mark: putNetwork({ ...net, status: 'removing' }),
      plan: (before, after) => [...planFirewall(before, after), ...planNetworkRemove(net)],
      drop: dropNetwork(net.id),
    })
    this.ctx.log.info({ network: net.id, name: net.name }, 'network removed')
  }

  /**
   * Removes every network, the predefined `bridge` too; returns their names.
   * Only for `system reset`, after every container is gone.
   */
  async removeAll(): Promise<string[]> {
    return this.ctx.locks.with([NETWORKS_LOCK], async () => {
      const removed: string[] = []
      for (const net of this.ctx.store.state.networks) {
        await this.#removeUnchecked(net)
        removed.push(net.name)
      }
      return removed
    })
  }

  /** Removes every user network without endpoints; returns their names. */
  async prune(): Promise<string[]> {
    return this.ctx.locks.with([NETWORKS_LOCK], async () => {
      const removed: string[] = []
      for (const candidate of this.list().filter(n => !n.isDefault)) {
        // Re-checked right before each removal: containers join networks
        // without this lock, and the check and the `removing` mark happen in
        // the same synchronous step.
        const s = this.ctx.store.state
        const net = s.networks.find(n => n.id === candidate.id && n.status === 'ready')
        if (!net || endpointsOn(s, net.id).length > 0) continue
        await this.#removeUnchecked(net)
        removed.push(net.name)
      }
      return removed
    })
  }
}
