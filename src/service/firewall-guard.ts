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

/**
 * A program that keeps changing berth's tables back (another enforcer)
 * would make a fight: more than FIGHT_RESTORES restores within FIGHT_MS
 * double the wait before the next check each time, up to MAX_BACKOFF_MS;
 * fewer, and the wait is SETTLE_MS again.
 */
const FIGHT_RESTORES = 10
const FIGHT_MS = 10_000
const MAX_BACKOFF_MS = 60_000

/** Watches and repairs berth's firewall. */
export class FirewallGuard {
  #watch: { close(): void } | undefined
  #timer: NodeJS.Timeout | undefined
  #running = false
  #again = false
  #closed = false
  #delay = SETTLE_MS
  #restores: number[] = []

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

  /** Compares, and restores when something drifted; returns what drifted (nothing once closed). */
  check(): Promise<string[]> {
    return this.ctx.locks.with([FIREWALL_LOCK], async () => {
      // A check that waited for the lock while a reset removed everything must not bring it back.
      if (this.#closed) return []
      const drift = await this.drift()
      if (drift.length > 0) await this.restore()
      return drift
    })
  }

  /** Starts watching nftables commits of other processes, and checks once (what changed before is caught too). */
  watch(): void {
    this.#closed = false
    this.#schedule()
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
    if (this.#closed) return
    if (this.#running) this.#again = true
    else this.#timer ??= setTimeout(() => void this.#run(), this.#delay)
  }

  async #run(): Promise<void> {
    this.#timer = undefined
    this.#running = true
    try {
      const drift = await this.check()
      for (const line of drift) this.ctx.log.warn({ repair: line }, 'firewall changed by another program; restored')
      this.#pace(drift.length > 0)
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

  /** Sets the wait before the next check from how often restores happened lately. */
  #pace(restored: boolean): void {
    const now = Date.now()
    this.#restores = this.#restores.filter(at => now - at < FIGHT_MS)
    if (restored) this.#restores.push(now)
    if (this.#restores.length <= FIGHT_RESTORES) {
      this.#delay = SETTLE_MS
    } else if (restored) {
      this.#delay = Math.min(this.#delay * 2, MAX_BACKOFF_MS)
      this.ctx.log.error({ nextCheckMs: this.#delay }, 'another program keeps changing berth’s firewall back; checking less often')
    }
  }

  /** Stops watching; a check already waiting does nothing. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#watch?.close()
  }
}
