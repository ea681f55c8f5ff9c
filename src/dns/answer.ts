/**
 * What the embedded DNS does with one query, pure (Docker's behaviour,
 * oracle Key behaviours 9–14):
 *  - A for a name on the asker's networks: every address, shuffled on each
 *    query, TTL 600 (configurable), flags `qr rd ra` (no `aa`);
 *  - AAAA or MX for such a name: NOERROR with no answer (IPv4-only);
 *  - PTR for a container address on those networks: `name.network.`;
 *  - anything else is forwarded upstream — except from a container whose
 *    networks are all internal (REFUSED at once: no leak, CVE-2024-29018),
 *    and A/AAAA for a single-label name when the host set ndots explicitly
 *    (NOERROR, empty: "don't forward it out", libnetwork resolver.go).
 */
import dnsPacket, { type Answer, type Packet } from 'dns-packet'
import type { NetworkRecords } from './records.js'

/** Who asks: the networks of the asking container and the policy. */
export interface Scope {
  readonly networks: readonly NetworkRecords[]
  /** False when every network of the asker is internal. */
  readonly forward: boolean
  readonly explicitNdots: boolean
  readonly ttl: number
}

/** What to do with a query. */
export type Decision = { readonly reply: Packet } | { readonly forward: true }

const OPCODE_MASK = 0x7800
const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const
export type Rcode = keyof typeof RCODE

/** A response to `q` with `rcode` and `answers` (flags qr, rd as asked, ra; no aa). */
export const respond = (q: Pick<Packet, 'id' | 'flags' | 'questions'>, rcode: Rcode, answers: Answer[] = []): Packet => ({
  type: 'response',
  id: q.id ?? 0,
  // The opcode and RD are copied from the query (RFC 1035 §4.1.1); RA set; no AA.
  flags: ((q.flags ?? 0) & (OPCODE_MASK | dnsPacket.RECURSION_DESIRED)) | dnsPacket.RECURSION_AVAILABLE | RCODE[rcode],
  questions: q.questions ?? [],
  answers,
})

const shuffle = <T>(items: readonly T[]): T[] => {
  const a = [...items]
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[a[i], a[j]] = [a[j] as T, a[i] as T]
  }
  return a
}

/** Every address of `name` (lower-case, no trailing dot) on the asker's networks. */
export const lookupA = (scope: Scope, name: string): string[] => {
  const ips = scope.networks.flatMap(n => n.a.get(name) ?? [])
  return scope.networks.length > 1 ? [...new Set(ips)] : ips
}

/** Decides the fate of a decoded query. */
export const decide = (q: Packet, scope: Scope): Decision => {
  const opcode = (q as { opcode?: string }).opcode
  if (opcode !== undefined && opcode !== 'QUERY') return { reply: respond(q, 'NOTIMP') }
  const question = q.questions?.[0]
  if (!question || (q.questions?.length ?? 0) !== 1) return { reply: respond(q, 'FORMERR') }
  const name = question.name.toLowerCase().replace(/\.$/, '')
  const ips = lookupA(scope, name)
  const known = ips.length > 0
  if (question.class === 'IN' || question.class === undefined) {
    if (question.type === 'A' && known) {
      return { reply: respond(q, 'NOERROR', shuffle(ips).map(ip => ({ type: 'A', name: question.name, ttl: scope.ttl, data: ip }))) }
    }
    if ((question.type === 'AAAA' || question.type === 'MX') && known) return { reply: respond(q, 'NOERROR') }
    if (question.type === 'PTR') {
      const target = scope.networks.map(n => n.ptr.get(name)).find(Boolean)
      if (target) return { reply: respond(q, 'NOERROR', [{ type: 'PTR', name: question.name, ttl: scope.ttl, data: `${target}.` }]) }
    }
  }
  if (!scope.forward) return { reply: respond(q, 'REFUSED') }
  if (scope.explicitNdots && !name.includes('.') && (question.type === 'A' || question.type === 'AAAA')) {
    return { reply: respond(q, 'NOERROR') }
  }
  return { forward: true }
}

/** The largest UDP answer the asker accepts: its EDNS size, else 512. */
export const udpLimit = (q: Packet): number => {
  const opt = q.additionals?.find(a => a.type === 'OPT') as { udpPayloadSize?: number } | undefined
  return Math.max(512, Math.min(opt?.udpPayloadSize ?? 512, 65535))
}

/** Encodes a reply for UDP: with TC set and no records when it is over `limit`. */
export const encodeUdp = (reply: Packet, limit: number): Buffer => {
  const full = dnsPacket.encode(reply)
  if (full.length <= limit) return full
  return dnsPacket.encode({ ...reply, flags: (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [], additionals: [] })
}

/** A FORMERR for bytes that are not a DNS message (needs at least the header), else undefined. */
export const formErr = (raw: Buffer): Buffer | undefined => {
  if (raw.length < 12) return undefined
  return dnsPacket.encode(respond({ id: raw.readUInt16BE(0), flags: 0, questions: [] }, 'FORMERR'))
}
