/**
 * Forgetting conntrack entries of host ports, over ctnetlink in-process
 * (one dump and a delete per matching entry; no conntrack(8) process per
 * port). The socket lives in the daemon's netns, whose table it edits.
 *
 * Be aware: the kernel can delete only by exact tuple, hence dump + filter.
 */
import { FlagsGet, type NetlinkSocket, createNetlink, formatAttribute, parseAttributes } from 'netlink'

const NETLINK_NETFILTER = 12
const IPCTNL_MSG_CT_GET = (1 << 8) | 1 // NFNL_SUBSYS_CTNETLINK << 8 | message
const IPCTNL_MSG_CT_DELETE = (1 << 8) | 2
const CTA_TUPLE_ORIG = 1
const CTA_TUPLE_PROTO = 2
const CTA_PROTO_NUM = 1
const CTA_PROTO_DST_PORT = 3
const NLA_TYPE_MASK = 0x3fff
const NLA_F_NESTED = 0x8000
const PROTO_NUMBERS = { tcp: 6, udp: 17 } as const
/** nfgenmsg: AF_INET, version 0, resource id 0. */
const NFGENMSG = Buffer.from([2, 0, 0, 0])
const TIMEOUT = { timeout: 5000 }

/** A host port whose entries are to be forgotten. */
export interface ConntrackPort {
  readonly proto: 'tcp' | 'udp'
  readonly port: number
}

const attrs = (data: Buffer): Map<number, Buffer> => {
  const out = new Map<number, Buffer>()
  parseAttributes(data, a => out.set(a.type & NLA_TYPE_MASK, a.data))
  return out
}

/** The original tuple's protocol and destination port of one entry. */
const origOf = (entry: Buffer): { tuple: Buffer; proto: number; port: number } | undefined => {
  const tuple = attrs(entry.subarray(NFGENMSG.length)).get(CTA_TUPLE_ORIG)
  const proto = tuple && attrs(tuple).get(CTA_TUPLE_PROTO)
  const p = proto && attrs(proto)
  const num = p?.get(CTA_PROTO_NUM)
  const dport = p?.get(CTA_PROTO_DST_PORT)
  if (!tuple || !num || !dport) return undefined
  return { tuple, proto: num.readUInt8(0), port: dport.readUInt16BE(0) }
}

/** ctnetlink of the daemon's netns. */
export class Conntrack {
  #nl: NetlinkSocket | undefined

  #socket(): NetlinkSocket {
    this.#nl ??= createNetlink(NETLINK_NETFILTER)
    return this.#nl
  }

  /** Deletes every IPv4 entry whose original destination is one of `ports`; returns how many. */
  async flush(ports: readonly ConntrackPort[]): Promise<number> {
    if (ports.length === 0) return 0
    const want = new Set(ports.map(p => `${PROTO_NUMBERS[p.proto]}/${p.port}`))
    const nl = this.#socket()
    const [entries] = await nl.request(IPCTNL_MSG_CT_GET, NFGENMSG, { flags: FlagsGet.DUMP, ...TIMEOUT })
    let deleted = 0
    for (const e of entries) {
      const orig = origOf(e.data)
      if (!orig || !want.has(`${orig.proto}/${orig.port}`)) continue
      const tuple = formatAttribute({ type: CTA_TUPLE_ORIG | NLA_F_NESTED, data: orig.tuple })
      try {
        await nl.request(IPCTNL_MSG_CT_DELETE, [NFGENMSG, ...tuple], TIMEOUT)
        deleted++
      } catch (err) {
        if (!/ENOENT/.test(String((err as Error).message))) throw err // gone meanwhile is fine
      }
    }
    return deleted
  }

  /** Closes the socket. */
  close(): void {
    this.#nl?.close()
    this.#nl = undefined
  }
}
