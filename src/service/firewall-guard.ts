/**
 * Keeps berth's firewall as the state says against other programs: `nft
 * flush ruleset`, an nftables.service reload, firewalld. A watch on
 * nftables commits checks berth's tables shortly after any commit by
 * another process that touched them (or may have: lost notifications), and
 * re-applies the whole firewall when they differ from what the state
 * renders. `check()` does the same on demand.
 *
 * The comparison is by shape (service/../firewall/shape.ts): chains, rules
 * by comment, set and map sizes — plus berth's accepts in iptables-nft's
 * FORWARD/DOCKER-USER chain.
 */
import { IPTABLES_FILTER, diffHoles, parseFilterListing } from '../firewall/holes.js'
import { firewallBridges, planFirewallFor, renderFor } from '../firewall/plan.js'
import { BERTH_BRIDGE_TABLE, BERTH_TABLE } from '../firewall/render.js'
import { diffShape, shapeOfCommands, shapeOfListing } from '../firewall/shape.js'
import { applyPlan } from '../plan/tx.js'
import type { ServiceContext } from './context.js'
import { FIREWALL_LOCK } from './locks.js'

/** Tables whose change may concern berth, as the nftables watch names them. */
const WATCHED = new Set([BERTH_TABLE, BERTH_BRIDGE_TABLE, IPTABLES_FILTER].map(t => `${t.family} ${t.name}`))

/** A reload is a burst of commits: one check this long after the first. */
const SETTLE_MS = 100

/** Watches and repairs berth's firewall. */
export class FirewallGuard {
  #watch: { close(): void } | undefined
  #timer: NodeJS.Timeout | undefined
  #running = false
  #again = false

  constructor(private readonly ctx: ServiceContext) {}

  /** What differs from what the state renders, one line each; empty when nothing does. */
  async drift(): Promise<string[]> {
    const s = this.ctx.store.state
    const list = (t: { family: string; name: string }) => this.ctx.kernel.listNftTable(t.family, t.name)
    // A kernel without bridge-family nftables has no bridge table either.
    const [inet, bridge, filter] = await Promise.all([list(BERTH_TABLE), list(BERTH_BRIDGE_TABLE).catch(() => undefined), list(IPTABLES_FILTER)])
    const want = renderFor(s, false)
    return [
      ...diffShape(BERTH_TABLE, shapeOfCommands(want, BERTH_TABLE), shapeOfListing(inet)),
      ...diffShape(BERTH_BRIDGE_TABLE, shapeOfCommands(want, BERTH_BRIDGE_TABLE), shapeOfListing(bridge)),
      ...(filter ? diffHoles(parseFilterListing(filter), firewallBridges(s)) : []),
    ]
  }

  /** Re-applies the whole firewall as the state says; the caller holds FIREWALL_LOCK or runs alone (start). */
  async restore(): Promise<void> {
    const bridgeTable = await this.ctx.kernel.nftTableExists(BERTH_BRIDGE_TABLE.family, BERTH_BRIDGE_TABLE.name)
    await applyPlan(this.ctx.kernel.session(), planFirewallFor(this.ctx.store.state, bridgeTable))
  }

  /** Compares, and restores when something drifted; returns what drifted. */
  check(): Promise<string[]> {
    return this.ctx.locks.with([FIREWALL_LOCK], async () => {
      const drift = await this.drift()
      if (drift.length > 0) await this.restore()
      return drift
    })
  }

  /** Starts watching nftables commits of other processes. */
  watch(): void {
    this.#watch = this.ctx.kernel.watchNftables(
      commit => {
        if (commit.tables && ![...commit.tables].some(t => WATCHED.has(t))) return
        this.ctx.log.debug({ pid: commit.pid, process: commit.process, tables: commit.tables && [...commit.tables] }, 'nftables changed')
        this.#schedule()
      },
      e => this.ctx.log.error({ err: e }, 'the nftables watch failed; drift is repaired by `berth system reconcile` only'),
    )
  }

  #schedule(): void {
    if (this.#running) this.#again = true
    else this.#timer ??= setTimeout(() => void this.#run(), SETTLE_MS)
  }

  async #run(): Promise<void> {
    this.#timer = undefined
    this.#running = true
    try {
      const drift = await this.check()
      for (const line of drift) this.ctx.log.warn({ repair: line }, 'firewall changed by another program; restored')
    } catch (e) {
      this.ctx.log.error({ err: e }, 'could not restore the firewall')
    } finally {
      this.#running = false
      if (this.#again) {
        this.#again = false
        this.#schedule()
      }
    }
  }

  /** Stops watching. */
  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#watch?.close()
  }
}
