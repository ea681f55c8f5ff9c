/**
 * The embedded DNS service: one resolver per container that is on a
 * user-defined network — sockets on 127.0.0.11 inside its netns, a
 * forwarder from its netns, the DNAT table there — kept in step with the
 * state by `sync()`, which the operations call when they change topology.
 * The records are rebuilt (and swapped whole) when the state object
 * changed, so a change is visible to the very next query.
 */
import path from 'node:path'
import dnsPacket, { type Packet } from 'dns-packet'
import { type Scope, decide, encodeUdp, formErr, lookupA, respond, udpLimit } from '../dns/answer.js'
import { fastAnswer } from '../dns/fast.js'
import { Forwarder } from '../dns/forward.js'
import { DnsListener } from '../dns/listener.js'
import { renderDnsNat } from '../dns/nat.js'
import { DnsPortFiles, netnsInode } from '../dns/port-files.js'
import { type DnsRecords, buildRecords } from '../dns/records.js'
import type { NativeNetns } from '../kernel/native.js'
import type { Container, State } from '../model/types.js'
import { EMBEDDED_DNS, hasExplicitNdots } from '../plan/etc-files.js'
import { applyPlan } from '../plan/tx.js'
import type { ServiceContext } from './context.js'
import { usesEmbeddedDns } from './endpoints.js'

interface Attached {
  readonly netns: string
  /** Which netns of that name (a repair may have made a new one). */
  readonly netnsIno: number
  readonly listener: DnsListener
  readonly forwarder: Forwarder
}

/** Keeps a resolver for every container that needs one. */
export class DnsService {
  #attached = new Map<string, Attached>()
  #records: { state: State; records: DnsRecords; explicitNdots: boolean; scopes: Map<string, Scope> } | undefined
  #syncing: Promise<void> = Promise.resolve()
  readonly #ports: DnsPortFiles
  #pruned = false

  constructor(
    private readonly ctx: ServiceContext,
    private readonly native: NativeNetns,
  ) {
    this.#ports = new DnsPortFiles(path.join(ctx.cfg.execRoot, 'dns'))
  }

  /**
   * Attaches and detaches resolvers to match the state (serialized,
   * idempotent). `recheckNetns` (on-demand reconcile) also re-attaches where
   * a netns of the same name is a new one.
   */
  sync(opts: { recheckNetns?: boolean } = {}): Promise<void> {
    return this.#serialized(() => this.#sync(opts.recheckNetns ?? false))
  }

  /**
   * The configuration was reloaded: the next answers carry the new TTL, and
   * forwarding uses the new upstreams (`dns`, or the resolv.conf servers,
   * read again). Serialized with sync() so no resolver misses the change.
   */
  reconfigure(): Promise<void> {
    return this.#serialized(async () => {
      this.#records = undefined
      const upstreams = this.#upstreams()
      for (const a of this.#attached.values()) a.forwarder.setUpstreams(upstreams)
    })
  }

  #serialized(work: () => Promise<void>): Promise<void> {
    const next = this.#syncing.then(work)
    this.#syncing = next.catch(() => undefined)
    return next
  }

  async #sync(recheckNetns: boolean): Promise<void> {
    const s = this.ctx.store.state
    const want = new Map(s.containers.filter(c => c.status === 'ready' && usesEmbeddedDns(s, c)).map(c => [c.id, c]))
    if (!this.#pruned) this.#ports.prune(new Set(s.containers.map(c => c.id)))
    this.#pruned = true
    for (const [id, a] of this.#attached) {
      const same = want.get(id)?.netns === a.netns && (!recheckNetns || this.#inodeOf(a.netns) === a.netnsIno)
      if (same) continue
      a.listener.close()
      a.forwarder.close()
      this.#attached.delete(id)
      // Kept while the container exists: its table still points at those ports.
      if (!s.containers.some(c => c.id === id)) this.#ports.remove(id)
    }
    for (const c of want.values()) {
      if (this.#attached.has(c.id)) continue
      await this.#attach(c).catch(e => this.ctx.log.error({ err: e, container: c.id }, 'embedded DNS could not start'))
    }
  }

  /**
   * Opens the container's resolver. When its netns still has the table of
   * an earlier attach (a restart), the same ports are bound again and the
   * table is left as it is; otherwise new ports and a new table.
   */
  async #attach(c: Container): Promise<void> {
    const nsPath = this.ctx.kernel.netns.path(c.netns)
    const handle = (raw: Buffer, t: 'udp' | 'tcp') => this.#handle(c.id, raw, t)
    const netnsIno = netnsInode(nsPath)
    const known = this.#ports.read(c.id)
    const again = known?.netnsIno === netnsIno ? await DnsListener.open(this.native, nsPath, handle, known).catch(() => undefined) : undefined
    const listener = again ?? (await DnsListener.open(this.native, nsPath, handle))
    let forwarder: Forwarder | undefined
    try {
      forwarder = await Forwarder.open(this.native, nsPath, this.#upstreams())
      if (!again) {
        this.#ports.remove(c.id) // before the table changes: a crash in between must not leave a record of old ports
        const commands = renderDnsNat(listener.udpPort, listener.tcpPort)
        await applyPlan(this.ctx.kernel.session(), [{ kind: 'nft.apply', netns: c.netns, commands, undo: [] }])
        this.#ports.write(c.id, { netnsIno, udp: listener.udpPort, tcp: listener.tcpPort })
      }
    } catch (e) {
      listener.close()
      forwarder?.close()
      throw e
    }
    this.#attached.set(c.id, { netns: c.netns, netnsIno, listener, forwarder })
  }

  #inodeOf(netns: string): number | undefined {
    try {
      return netnsInode(this.ctx.kernel.netns.path(netns))
    } catch {
      return undefined
    }
  }

  /** Upstreams: --dns, else the host's resolvers; never loopback (a loop, or unreachable from a netns). */
  #upstreams(): string[] {
    const all = this.ctx.cfg.dns.length > 0 ? this.ctx.cfg.dns : this.ctx.hostResolv().nameservers
    return all.filter(ip => /^\d+\.\d+\.\d+\.\d+$/.test(ip) && !ip.startsWith('127.') && ip !== EMBEDDED_DNS)
  }

  #current() {
    const s = this.ctx.store.state
    if (this.#records?.state !== s) {
      const records = buildRecords(s)
      this.#records = { state: s, records, explicitNdots: hasExplicitNdots(this.ctx.hostResolv()), scopes: new Map() }
    }
    return this.#records
  }

  /** The networks (and policy) of the asking container (cached until the state changes). */
  #scope(containerId: string): Scope {
    const { records, explicitNdots, state, scopes } = this.#current()
    const cached = scopes.get(containerId)
    if (cached) return cached
    const c = state.containers.find(x => x.id === containerId)
    const networks = (c?.endpoints ?? []).flatMap(e => (e.status === 'ready' ? (records.get(e.networkId) ?? []) : []))
    const scope = { networks, forward: networks.some(n => !n.internal), explicitNdots, ttl: this.ctx.cfg.dnsTtl }
    scopes.set(containerId, scope)
    return scope
  }

  async #handle(containerId: string, raw: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const scope = this.#scope(containerId)
    const fast = fastAnswer(raw, name => lookupA(scope, name), scope.ttl, transport)
    if (fast) return fast
    let q: Packet
    try {
      q = dnsPacket.decode(raw)
    } catch {
      return formErr(raw)
    }
    if (q.type === 'response') return undefined // never answer answers (reflection)
    const encode = (p: Packet) => (transport === 'udp' ? encodeUdp(p, udpLimit(q)) : dnsPacket.encode(p))
    const decision = decide(q, scope)
    if ('reply' in decision) return encode(decision.reply)
    const forwarder = this.#attached.get(containerId)?.forwarder
    const answer = forwarder ? await forwarder.forward(raw, transport === 'tcp') : 'busy'
    return typeof answer === 'string' ? encode(respond(q, 'SERVFAIL')) : answer
  }

  /** Closes every resolver (daemon stop). */
  close(): void {
    for (const a of this.#attached.values()) {
      a.listener.close()
      a.forwarder.close()
    }
    this.#attached.clear()
    this.#ports.removeDirIfEmpty()
  }
}
