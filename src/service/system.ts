/**
 * Whole-daemon operations, each run alone (no other operation in flight):
 * `berth system reconcile` and `berth system reset`.
 */
import { BERTH_BRIDGE_TABLE, BERTH_TABLE, renderRemoval } from '../firewall/render.js'
import { type Op, describeOp } from '../plan/ops.js'
import { planGarbage } from '../plan/repair.js'
import { applyBestEffort, applyPlan } from '../plan/tx.js'
import type { ContainerService } from './containers.js'
import type { ServiceContext } from './context.js'
import type { DnsService } from './dns.js'
import type { FirewallGuard } from './firewall-guard.js'
import type { NetworkService } from './networks.js'
import { observe, reconcile } from './reconcile.js'

export class SystemService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly firewall: FirewallGuard,
    private readonly containers: ContainerService,
    private readonly networks: NetworkService,
    private readonly dns: DnsService,
    /** Called once a reset is done: the daemon stops. */
    private readonly onReset: () => void,
  ) {}

  /** Makes the kernel match the state again, as at start; returns what was repaired. */
  reconcile(): Promise<string[]> {
    return this.ctx.locks.exclusive(async () => {
      const repaired = await reconcile(this.ctx, this.firewall, 'demand')
      // A re-created netns needs its resolver again (the old one serves the deleted netns).
      await this.dns.sync({ recheckNetns: true })
      return repaired
    })
  }

  /**
   * Removes every container (its processes killed), every network, berth's
   * firewall, and berth's state files; turns forwarding off again when berth
   * turned it on: the host as before berth ran. Returns what was removed;
   * the daemon then stops.
   */
  reset(): Promise<string[]> {
    return this.ctx.locks.exclusive(async () => {
      // The removals below must not be taken for drift.
      this.firewall.close()
      try {
        const removed = await this.#removeEverything()
        this.onReset()
        return removed
      } catch (e) {
        // berthd serves on with what is left: watched again.
        this.firewall.watch()
        throw e
      }
    })
  }

  async #removeEverything(): Promise<string[]> {
    const removed: string[] = []
    // A container living in another's netns goes first (the owner refuses otherwise).
    const containers = [...this.ctx.store.state.containers].sort((a, b) => Number(b.joined !== undefined) - Number(a.joined !== undefined))
    for (const c of containers) {
      await this.containers.remove(c.id, true)
      removed.push(`container ${c.name}`)
    }
    removed.push(...(await this.networks.removeAll()).map(name => `network ${name}`))
    // Anything else carrying berth's mark (a removal that failed earlier): the state knows nothing now.
    const garbage = planGarbage(this.ctx.store.state, await observe(this.ctx))
    await applyBestEffort(this.ctx.kernel.session(), garbage)
    removed.push(...garbage.filter(op => op.kind !== 'files.remove').map(op => `leftover ${describeOp(op)}`))
    const bridgeTable = await this.ctx.kernel.nftTableExists(BERTH_BRIDGE_TABLE.family, BERTH_BRIDGE_TABLE.name)
    const forwarding = this.ctx.store.state.forwardingByBerth
    const ops: Op[] = [
      { kind: 'nft.apply', commands: [...renderRemoval(BERTH_TABLE), ...(bridgeTable ? renderRemoval(BERTH_BRIDGE_TABLE) : [])], undo: [] },
      { kind: 'nft.holes', bridges: [], previous: [] },
      // Global, not per device: back to off only because berth turned it on.
      ...(forwarding ? [{ kind: 'sysctl.set', path: ['net', 'ipv4', 'ip_forward'], value: '0' } as const] : []),
    ]
    await applyPlan(this.ctx.kernel.session(), ops)
    removed.push(`nftables table ${BERTH_TABLE.family} ${BERTH_TABLE.name}`)
    if (bridgeTable) removed.push(`nftables table ${BERTH_BRIDGE_TABLE.family} ${BERTH_BRIDGE_TABLE.name}`)
    if (forwarding) removed.push('IPv4 forwarding (berth had turned it on)')
    await this.ctx.store.destroy()
    removed.push(`state in ${this.ctx.cfg.dataRoot}`)
    return removed
  }
}
