/**
 * The hot path of the embedded DNS, pure: an A query for a name berth knows
 * is answered straight from the bytes — no full decode, no encoder — which
 * is most of the traffic (containers asking for each other). Anything else
 * (other types, unknown names, EDNS options beyond the size, compression in
 * the question, truncation) returns undefined and takes the general path.
 */

const TYPE_A = 1
const CLASS_IN = 1
const TYPE_OPT = 41

/** The question's lower-case name and where the question ends, or undefined. */
const readQuestion = (raw: Buffer): { name: string; end: number } | undefined => {
  const labels: string[] = []
  let i = 12
  for (;;) {
    const len = raw[i]
    if (len === undefined || len > 63) return undefined // end of data, or a compression pointer
    i++
    if (len === 0) break
    if (i + len > raw.length) return undefined
    labels.push(raw.toString('latin1', i, i + len).toLowerCase())
    i += len
  }
  if (i + 4 > raw.length || raw.readUInt16BE(i) !== TYPE_A || raw.readUInt16BE(i + 2) !== CLASS_IN) return undefined
  return { name: labels.join('.'), end: i + 4 }
}

/** The UDP size the query allows: its EDNS OPT's class, else 512; undefined if unreadable. */
const ednsLimit = (raw: Buffer, end: number, arcount: number): number | undefined => {
  if (arcount === 0) return 512
  // A single OPT record with the root name: 0, type, class (= UDP size), TTL, rdlen.
  if (raw[end] !== 0 || end + 11 > raw.length || raw.readUInt16BE(end + 1) !== TYPE_OPT) return undefined
  return Math.max(512, raw.readUInt16BE(end + 3))
}

/**
 * A complete answer to `raw` when it is a plain A query for a name `lookup`
 * knows; undefined otherwise. Addresses are shuffled; TTL `ttl`; flags
 * `qr rd ra` (rd as asked), as the general path answers.
 */
export const fastAnswer = (
  raw: Buffer,
  lookup: (name: string) => readonly string[] | undefined,
  ttl: number,
  transport: 'udp' | 'tcp',
): Buffer | undefined => {
  if (raw.length < 17) return undefined
  const flags = raw.readUInt16BE(2)
  // QR=0, opcode QUERY, QDCOUNT=1, no answers or authorities, at most one additional (EDNS).
  if (flags & 0xf800 || raw.readUInt16BE(4) !== 1 || raw.readUInt16BE(6) !== 0 || raw.readUInt16BE(8) !== 0) return undefined
  const arcount = raw.readUInt16BE(10)
  if (arcount > 1) return undefined
  const q = readQuestion(raw)
  if (!q) return undefined
  const ips = lookup(q.name)
  if (!ips || ips.length === 0) return undefined
  const size = q.end + 16 * ips.length
  const limit = transport === 'tcp' ? 65535 : ednsLimit(raw, q.end, arcount)
  if (limit === undefined || size > limit) return undefined
  const out = Buffer.allocUnsafe(size)
  raw.copy(out, 0, 0, q.end)
  out.writeUInt16BE(0x8080 | (flags & 0x0100), 2) // QR, RA, and RD as asked; rcode NOERROR
  out.writeUInt16BE(ips.length, 6)
  out.writeUInt16BE(0, 8)
  out.writeUInt16BE(0, 10)
  const order = [...ips]
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[order[i], order[j]] = [order[j] as string, order[i] as string]
  }
  let o = q.end
  for (const ip of order) {
    out.writeUInt16BE(0xc00c, o) // the name: a pointer to the question
    out.writeUInt16BE(TYPE_A, o + 2)
    out.writeUInt16BE(CLASS_IN, o + 4)
    out.writeUInt32BE(ttl, o + 6)
    out.writeUInt16BE(4, o + 10)
    const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number)
    out[o + 12] = a
    out[o + 13] = b
    out[o + 14] = c
    out[o + 15] = d
    o += 16
  }
  return out
}
