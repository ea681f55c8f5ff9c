import dnsPacket, { type DecodedPacket, type Packet, type RecordType } from 'dns-packet'
import tap from 'tap'
import { decide } from '../../../src/dns/answer.js'
import { fastAnswer } from '../../../src/dns/fast.js'

/** What dns-packet's decoder returns (its types leave out rcode and opcode). */
type Decoded = DecodedPacket & { rcode: string; opcode: string }
const dec = (b: Buffer): Decoded => dnsPacket.decode(b) as Decoded

const { RECURSION_DESIRED: RD } = dnsPacket

const TABLE = new Map<string, string[]>([
  ['db', ['172.18.0.3']],
  ['front', ['172.18.0.2', '172.18.0.3', '172.18.0.4']],
  ['db.custombridge', ['172.18.0.3']],
  ['empty', []],
])
const asked: string[] = []
const lookup = (name: string) => {
  asked.push(name)
  return TABLE.get(name)
}

const raw = (name: string, type: RecordType = 'A', over: Partial<Packet> = {}): Buffer =>
  dnsPacket.encode({ type: 'query', id: 0x2a2a, flags: RD, questions: [{ type, name, class: 'IN' }], ...over })

const opt = (udpPayloadSize: number) => [{ type: 'OPT' as const, name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
const ipsOf = (b: Buffer | undefined) => (b ? dec(b).answers?.map(a => (a as { data: unknown }).data) : undefined)

tap.test('a plain A query for a known name: the same answer the general path gives', async t => {
  const out = fastAnswer(raw('db'), lookup, 600, 'udp')
  t.ok(out, 'answered')
  const p = dec(out as Buffer)
  t.equal(p.id, 0x2a2a)
  t.equal(p.type, 'response')
  t.equal(p.rcode, 'NOERROR')
  t.equal(p.opcode, 'QUERY')
  t.equal(p.flag_ra, true)
  t.equal(p.flag_rd, true)
  t.equal(p.flag_aa, false)
  t.equal(p.flag_tc, false)
  t.strictSame(p.questions, [{ name: 'db', type: 'A', class: 'IN' }])
  t.strictSame(p.answers, [{ name: 'db', type: 'A', class: 'IN', ttl: 600, flush: false, data: '172.18.0.3' }])
  t.strictSame(p.authorities, [])
  t.strictSame(p.additionals, [])
  const q = dec(raw('db'))
  const general = decide(q, {
    networks: [{ id: 'n', name: 'custombridge', internal: false, a: TABLE, ptr: new Map() }],
    forward: true,
    explicitNdots: false,
    ttl: 600,
  })
  t.ok('reply' in general)
  if ('reply' in general) t.strictSame(p, dec(dnsPacket.encode(general.reply)), 'byte for byte what the general path decodes to')
})

tap.test('rd as asked, ttl as given, id echoed', async t => {
  const p = dec(fastAnswer(raw('db', 'A', { flags: 0, id: 1 }), lookup, 30, 'udp') as Buffer)
  t.equal(p.flag_rd, false)
  t.equal(p.flag_ra, true)
  t.equal(p.id, 1)
  t.equal((p.answers?.[0] as { ttl: number }).ttl, 30)
  const cd = dec(fastAnswer(raw('db', 'A', { flags: RD | dnsPacket.CHECKING_DISABLED | dnsPacket.TRUNCATED_RESPONSE }), lookup, 600, 'udp') as Buffer)
  t.equal(cd.flag_cd, false, 'no other query flag is copied')
  t.equal(cd.flag_tc, false)
  t.equal(cd.flag_rd, true)
  t.equal((dec(fastAnswer(raw('db'), lookup, 0x7fffffff, 'udp') as Buffer).answers?.[0] as { ttl: number }).ttl, 0x7fffffff)
})

tap.test('the name is looked up lower-case; the answer keeps the name as asked', async t => {
  asked.length = 0
  const out = fastAnswer(raw('DB.CustomBridge'), lookup, 600, 'udp')
  t.strictSame(asked, ['db.custombridge'])
  const p = dec(out as Buffer)
  t.equal(p.answers?.[0]?.name, 'DB.CustomBridge')
  t.equal(p.questions?.[0]?.name, 'DB.CustomBridge')
})

tap.test('several addresses: all of them, shuffled', async t => {
  const orders = new Set<string>()
  for (let i = 0; i < 300; i++) {
    const ips = ipsOf(fastAnswer(raw('front'), lookup, 600, 'udp')) as string[]
    t.strictSame([...ips].sort(), ['172.18.0.2', '172.18.0.3', '172.18.0.4'])
    orders.add(ips.join(','))
  }
  t.ok(orders.size > 1, `more than one order (${orders.size})`)
  t.equal(orders.size, 6, 'every permutation appears')
})

tap.test('anything else takes the general path (undefined)', async t => {
  t.equal(fastAnswer(raw('nosuch'), lookup, 600, 'udp'), undefined, 'unknown name')
  t.equal(fastAnswer(raw('empty'), lookup, 600, 'udp'), undefined, 'a name without addresses')
  for (const type of ['AAAA', 'MX', 'PTR', 'TXT', 'ANY' as RecordType, 'SRV'] as const) {
    t.equal(fastAnswer(raw('db', type), lookup, 600, 'udp'), undefined, type)
  }
  t.equal(
    fastAnswer(dnsPacket.encode({ type: 'query', id: 1, flags: RD, questions: [{ type: 'A', name: 'db', class: 'CH' }] }), lookup, 600, 'udp'),
    undefined,
    'class CH',
  )
  t.equal(fastAnswer(raw('db', 'A', { type: 'response' }), lookup, 600, 'udp'), undefined, 'a response (QR set)')
  for (const opcode of [1, 2, 4, 5, 15]) {
    t.equal(fastAnswer(raw('db', 'A', { flags: RD | (opcode << 11) }), lookup, 600, 'udp'), undefined, `opcode ${opcode}`)
  }
  const two = dnsPacket.encode({
    type: 'query',
    id: 1,
    questions: [
      { type: 'A', name: 'db', class: 'IN' },
      { type: 'A', name: 'front', class: 'IN' },
    ],
  })
  t.equal(fastAnswer(two, lookup, 600, 'udp'), undefined, 'two questions')
  t.equal(fastAnswer(raw('', 'A', { questions: [] }), lookup, 600, 'udp'), undefined, 'no question')
  const withAnswer = raw('db', 'A', { answers: [{ type: 'A', name: 'db', data: '1.2.3.4' }] })
  t.equal(fastAnswer(withAnswer, lookup, 600, 'udp'), undefined, 'a query carrying an answer')
  const withAuthority = raw('db', 'A', { authorities: [{ type: 'A', name: 'db', data: '1.2.3.4' }] })
  t.equal(fastAnswer(withAuthority, lookup, 600, 'udp'), undefined, 'a query carrying an authority')
  const notOpt = raw('db', 'A', { additionals: [{ type: 'A', name: 'x', data: '1.2.3.4' }] })
  t.equal(fastAnswer(notOpt, lookup, 600, 'udp'), undefined, 'an additional that is not OPT')
  const rootA = raw('db', 'A', { additionals: [{ type: 'A', name: '.', data: '1.2.3.4' }] })
  t.equal(fastAnswer(rootA, lookup, 600, 'udp'), undefined, 'a root-named additional that is not OPT')
  const twoAdd = raw('db', 'A', { additionals: [...opt(4096), ...opt(4096)] })
  t.equal(fastAnswer(twoAdd, lookup, 600, 'udp'), undefined, 'two additionals')
})

tap.test('malformed bytes: undefined, never a throw', async t => {
  const good = raw('db')
  for (let n = 0; n < good.length; n++) {
    t.doesNotThrow(() => fastAnswer(good.subarray(0, n), lookup, 600, 'udp'), `${n} bytes`)
    t.equal(fastAnswer(good.subarray(0, n), lookup, 600, 'udp'), undefined, `cut to ${n} bytes`)
  }
  // the question name as a compression pointer to itself
  const pointer = Buffer.from(good)
  pointer.writeUInt16BE(0xc00c, 12)
  t.equal(fastAnswer(pointer, lookup, 600, 'udp'), undefined, 'a compression pointer in the question')
  const label = Buffer.from(good)
  label[12] = 0x40 // an extended label type
  t.equal(fastAnswer(label, lookup, 600, 'udp'), undefined, 'a label longer than 63')
  const long = Buffer.from(good)
  long[12] = 60 // runs past the end
  t.equal(fastAnswer(long, lookup, 600, 'udp'), undefined, 'a label past the end')
  const truncatedOpt = raw('db', 'A', { additionals: opt(4096) })
  t.equal(fastAnswer(truncatedOpt.subarray(0, truncatedOpt.length - 3), lookup, 600, 'udp'), undefined, 'a cut OPT record')
  for (let i = 0; i < 2000; i++) {
    const junk = Buffer.from(Array.from({ length: 12 + Math.floor(Math.random() * 40) }, () => Math.floor(Math.random() * 256)))
    t.doesNotThrow(() => fastAnswer(junk, lookup, 600, Math.random() < 0.5 ? 'udp' : 'tcp'))
  }
})

const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`)

tap.test('size: 512 over UDP, the EDNS size when given, anything over TCP', async t => {
  const big = (n: number) => (name: string) => (name === 'many' ? ips(n) : undefined)
  // 12 header + 10 question ("many") + 16 per record: 30 records are 502 bytes, 31 are 518
  const thirty = fastAnswer(raw('many'), big(30), 600, 'udp')
  t.equal(thirty?.length, 502)
  t.equal(dec(thirty as Buffer).answers?.length, 30)
  t.equal(fastAnswer(raw('many'), big(31), 600, 'udp'), undefined, 'over 512: the general path truncates')
  t.equal(dec(fastAnswer(raw('many'), big(31), 600, 'tcp') as Buffer).answers?.length, 31, 'TCP has no 512 limit')
  t.equal(dec(fastAnswer(raw('many'), big(1000), 600, 'tcp') as Buffer).answers?.length, 1000)
  const edns = (size: number) => raw('many', 'A', { additionals: opt(size) })
  t.equal(dec(fastAnswer(edns(4096), big(31), 600, 'udp') as Buffer).answers?.length, 31, 'EDNS 4096')
  t.equal(dec(fastAnswer(edns(4096), big(254), 600, 'udp') as Buffer).answers?.length, 254, '4086 bytes fit in 4096')
  t.equal(fastAnswer(edns(4096), big(255), 600, 'udp'), undefined, '4102 bytes do not')
  t.equal(dec(fastAnswer(edns(1232), big(40), 600, 'udp') as Buffer).answers?.length, 40, 'EDNS 1232: 40 records (662 bytes) fit')
  t.equal(fastAnswer(edns(1232), big(76), 600, 'udp'), undefined, 'EDNS 1232: 76 records (1238 bytes) do not')
  t.equal(fastAnswer(edns(100), big(31), 600, 'udp'), undefined, 'an EDNS size under 512 counts as 512')
  t.equal(dec(fastAnswer(edns(100), big(30), 600, 'udp') as Buffer).answers?.length, 30)
  const p = dec(fastAnswer(edns(4096), big(2), 600, 'udp') as Buffer)
  t.strictSame(p.additionals, [], 'no OPT in the answer (Docker: none even when asked with one)')
  t.equal(p.flag_tc, false)
})
