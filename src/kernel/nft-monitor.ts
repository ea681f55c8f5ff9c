/**
 * nftables change notifications of the daemon's netns (what `nft monitor`
 * reads): the kernel multicasts every object a transaction changed, then a
 * NEWGEN message naming the process that committed it. One callback per
 * committed transaction: which tables it touched, and who committed it.
 *
 * Be aware: a flooded socket drops notifications (ENOBUFS); that is reported
 * as a commit that may have touched anything.
 */
import { type NetlinkSocket, createNetlink, parseAttributes } from 'netlink'

const NETLINK_NETFILTER = 12
const NFNLGRP_NFTABLES = 7
const NFNL_SUBSYS_NFTABLES = 10
const NFT_MSG_NEWGEN = 15
/** Table, chain, rule, set, element, object and flowtable messages all carry the table name as attribute 1. */
const NFTA_TABLE = 1
const NFTA_GEN_PROC_PID = 2
const NFTA_GEN_PROC_NAME = 3
const NLA_TYPE_MASK = 0x3fff
/** struct nfgenmsg: family, version, resource id. */
const NFGENMSG_LEN = 4
/** Netfilter protocol families as nftables names them. */
const FAMILIES: Record<number, string> = { 1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6' }

/** One committed nftables transaction. */
export interface NftCommit {
  /** Tables it touched, as `family name` (e.g. `inet berth`); undefined: unknown (notifications were lost). */
  readonly tables: ReadonlySet<string> | undefined
  /** The committing process (0 when unknown) and its name. */
  readonly pid: number
  readonly process: string
}

const stringAttr = (data: Buffer) => data.toString('utf8').replace(/\0+$/, '')

/** Watches nftables commits until closed. */
export class NftMonitor {
  readonly #nl: NetlinkSocket
  #tables = new Set<string>()

  constructor(onCommit: (c: NftCommit) => void, onError: (e: Error) => void) {
    this.#nl = createNetlink(NETLINK_NETFILTER)
    // A whole-table apply notifies every rule and element it re-creates.
    this.#nl.setRecvBufferSize(4 << 20)
    this.#nl.addMembership(NFNLGRP_NFTABLES)
    this.#nl.on('message', msgs => {
      for (const m of msgs) {
        if (m.type >> 8 !== NFNL_SUBSYS_NFTABLES) continue
        const attrs = new Map<number, Buffer>()
        parseAttributes(m.data.subarray(NFGENMSG_LEN), a => attrs.set(a.type & NLA_TYPE_MASK, a.data))
        if ((m.type & 0xff) === NFT_MSG_NEWGEN) {
          const pid = attrs.get(NFTA_GEN_PROC_PID)?.readUInt32BE(0) ?? 0
          const name = attrs.get(NFTA_GEN_PROC_NAME)
          onCommit({ tables: this.#tables, pid, process: name ? stringAttr(name) : '' })
          this.#tables = new Set()
          continue
        }
        const table = attrs.get(NFTA_TABLE)
        const family = FAMILIES[m.data.readUInt8(0)] ?? String(m.data.readUInt8(0))
        if (table) this.#tables.add(`${family} ${stringAttr(table)}`)
      }
    })
    this.#nl.on('error', e => {
      if (e.code === 'ENOBUFS') {
        this.#tables = new Set()
        onCommit({ tables: undefined, pid: 0, process: '' })
      } else onError(e)
    })
  }

  close(): void {
    this.#nl.close()
  }
}

/** How long berth remembers the pid of an nft it ran (its commit is notified within milliseconds). */
const OWN_PID_MEMORY_MS = 60_000

/** Pids of the nft processes berth itself ran in its netns, recent ones only. */
export class OwnCommits {
  readonly #pids = new Map<number, number>()

  /** Records a pid (bound, so it can be handed around as a callback). */
  readonly add = (pid: number): void => {
    const now = Date.now()
    for (const [p, at] of this.#pids) if (now - at > OWN_PID_MEMORY_MS) this.#pids.delete(p)
    this.#pids.set(pid, now)
  }

  /**
   * Whether a commit by `pid` is berth's: a recent pid of its own, each
   * matched once (one nft run is one transaction), so a pid the kernel hands
   * out again later is not taken for berth's.
   */
  claim(pid: number): boolean {
    const at = this.#pids.get(pid)
    this.#pids.delete(pid)
    return at !== undefined && Date.now() - at <= OWN_PID_MEMORY_MS
  }
}
