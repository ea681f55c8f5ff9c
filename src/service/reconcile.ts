/**
 * Startup (and on-demand) reconcile: make the kernel match the state.
 *
 *  1. finish what a crash interrupted: objects recorded as `creating` or
 *     `removing` are torn down and forgotten (a create is redone by the user,
 *     a removal is completed);
 *  2. make sure the default network `bridge` exists;
 *  3. remove berth-owned kernel objects the state does not know;
 *  4. re-create what the state says should exist but is missing;
 *  5. re-apply the whole firewall (at start), or compare it with the state
 *     and restore it when it drifted (on demand); hold the published host
 *     ports not held yet.
 *
 * Re-adopting container processes (daemon/adopt.ts) follows at start. On
 * demand it runs alone (KeyedLock.exclusive): no operation is half-way.
 */
import fs from 'node:fs/promises'
import { formatCidr, formatIpv4, parseCidrText } from '../model/ipv4.js'
import { OPT_BRIDGE_NAME } from '../model/parse-network.js'
import type { Network } from '../model/types.js'
import {
  type Observed,
  planContainerRepair,
  planDefaultNetwork,
  planGarbage,
  planNetworkRepair,
  planUnfinished,
} from '../plan/repair.js'
import { describeOp } from '../plan/ops.js'
import { applyBestEffort } from '../plan/tx.js'
import type { ServiceContext } from './context.js'
import { etcFilesOf } from './endpoints.js'
import type { FirewallGuard } from './firewall-guard.js'
import { networkMap } from './lookup.js'
import { newId } from '../model/ids.js'

/** The predefined `bridge` network as the configuration describes it (a new id). */
export const defaultNetwork = (ctx: ServiceContext): Network => {
  const bip = parseCidrText(ctx.cfg.bip)
  if (!bip) throw new TypeError(`bad bip ${ctx.cfg.bip}`)
  return {
    id: newId(),
    name: 'bridge',
    driver: 'bridge',
    created: new Date().toISOString(),
    subnet: formatCidr(bip.cidr),
    gateway: formatIpv4(bip.host),
    userSubnet: false,
    bridge: ctx.cfg.bridge,
    internal: false,
    icc: true,
    masquerade: true,
    attachable: false,
    isDefault: true,
    options: {
      'com.docker.network.bridge.default_bridge': 'true',
      [OPT_BRIDGE_NAME]: ctx.cfg.bridge,
    },
    labels: {},
    status: 'ready',
  }
}

/** What berth owns in the kernel right now. */
export const observe = async (ctx: ServiceContext): Promise<Observed> => {
  const links = await ctx.kernel.hostLinks()
  const names = ctx.kernel.netns.listMounted(ctx.cfg.netnsPrefix)
  const aliases = ctx.kernel.loopbackAliases(names)
  const netns = new Map(names.map((name, i) => [name, aliases[i]]))
  const byIndex = new Map(links.map(l => [l.index, l.name]))
  const etc = await fs.readdir(ctx.cfg.etcNetnsDir).catch(() => [] as string[])
  return {
    netns,
    hostLinks: new Map(links.map(l => [l.name, l.alias])),
    hostLinkState: new Map(links.map(l => [l.name, { up: l.up, master: l.master === undefined ? undefined : byIndex.get(l.master) }])),
    etcDirs: new Set(etc.filter(n => n.startsWith(ctx.cfg.netnsPrefix))),
  }
}

/** Runs steps 1–5; returns a description of every repair made. */
export const reconcile = async (ctx: ServiceContext, firewall: FirewallGuard, when: 'start' | 'demand'): Promise<string[]> => {
  const repaired: string[] = []
  const unfinished = planUnfinished(ctx.store.state)
  if (unfinished.ops.length > 0) {
    repaired.push(`finished ${unfinished.ops.length} interrupted step(s)`)
    await applyBestEffort(ctx.kernel.session(), unfinished.ops).catch(e => ctx.log.warn({ err: e }, 'cleanup of interrupted operations'))
  }
  const { state: withDefault, kept } = planDefaultNetwork(unfinished.state, defaultNetwork(ctx))
  if (kept) ctx.log.warn({ bridge: ctx.cfg.bridge, bip: ctx.cfg.bip, reason: kept }, 'the default network keeps its old bridge and address')
  const state = await ctx.store.update(() => withDefault)
  const observed = await observe(ctx)
  const garbage = planGarbage(state, observed)
  if (garbage.length > 0) {
    repaired.push(...garbage.map(op => `removed leftover: ${describeOp(op)}`))
    await applyBestEffort(ctx.kernel.session(), garbage).catch(e => ctx.log.warn({ err: e }, 'garbage removal'))
  }
  const networks = networkMap(state)
  // The host's resolver file read once, not once per container.
  const resolv = ctx.hostResolv()
  const filesCtx: ServiceContext = { ...ctx, hostResolv: () => resolv }
  for (const n of state.networks) {
    const ops = planNetworkRepair(n, observed)
    if (ops[0]?.kind === 'link.bridge') repaired.push(`re-created bridge ${n.bridge} of network ${n.name}`)
    await applyBestEffort(ctx.kernel.session(), ops).catch(e => ctx.log.error({ err: e, network: n.id }, 'could not repair network'))
  }
  for (const c of state.containers) {
    const ops = planContainerRepair(c, networks, etcFilesOf(filesCtx, c), observed, unfinished.touched.has(c.id))
    if (ops.length === 0) continue
    repaired.push(`re-created sandbox pieces of container ${c.name}`)
    if (ops.some(op => op.kind === 'netns.create') && c.process.status === 'running') {
      repaired.push(`container ${c.name}: its process (pid ${c.process.pid}) still runs in the deleted network namespace; remove the container and run it again`)
    }
    await applyBestEffort(ctx.kernel.session(), ops).catch(e => ctx.log.error({ err: e, container: c.id }, 'could not repair container'))
  }
  if (when === 'start') await firewall.restore()
  else repaired.push(...(await firewall.check()).map(line => `restored the firewall: ${line}`))
  // Hold the published host ports (a restart closed the sockets).
  for (const c of state.containers) {
    for (const p of c.ports) {
      if (ctx.ports.holds(p)) continue
      if (!ctx.ports.reserve(p)) ctx.log.warn({ container: c.name, port: p }, 'a published host port is now used by another program')
      else if (when === 'demand') repaired.push(`reserved host port ${p.hostIp}:${p.hostPort}/${p.proto} of container ${c.name} again`)
    }
  }
  return repaired
}
