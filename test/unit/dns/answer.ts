// The embedded DNS's decisions for ordinary queries: A (shuffled, case,
// TTL), AAAA/MX, forwarded types and names, PTR.
import dnsPacket, { type Packet, type RecordType } from 'dns-packet'
import tap from 'tap'
import { decide } from '../../../src/dns/answer.js'
import { DB, NASA } from './fixtures/world.js'
import { RD, RA, AA, RCODE_MASK, FROM_WEB, FROM_DB, FROM_VAULT, query, replyOf, isForward, ipsOf } from './fixtures/answer-helpers.js'

tap.test('A for a known name: every address, NOERROR, qr rd ra, no aa, TTL of the scope', async t => {
  const q = query('front')
  const d = decide(q, FROM_DB)
  const r = replyOf(t, d)
  t.equal(r.type, 'response')
  t.equal(r.id, 0x4242, 'the id of the query')
  t.equal(r.rcode, 'NOERROR')
  t.equal(r.flag_qr, true)
  t.equal(r.flag_ra, true, 'ra')
  t.equal(r.flag_rd, true, 'rd copied from the query')
  t.equal(r.flag_aa, false, 'never aa (oracle §9)')
  t.equal(r.flag_tc, false)
  t.equal(r.opcode, 'QUERY')
  t.strictSame(r.questions, [{ name: 'front', type: 'A', class: 'IN' }], 'the question is echoed')
  t.strictSame([...ipsOf(r)].sort(), ['172.18.0.2', '172.18.0.3', '172.18.0.4'])
  for (const a of r.answers ?? []) {
    t.match(a, { type: 'A', name: 'front', class: 'IN', ttl: 600 })
  }
  t.strictSame(r.authorities, [])
  t.strictSame(r.additionals, [], 'no EDNS OPT in the answer')
  if ('reply' in d) {
    t.equal((d.reply.flags ?? 0) & AA, 0, 'AA bit clear in the raw flags')
    t.equal((d.reply.flags ?? 0) & RA, RA)
    t.equal((d.reply.flags ?? 0) & RCODE_MASK, 0)
  }
})

tap.test('A: rd only when asked, ttl from the scope, id echoed', async t => {
  const r = replyOf(t, decide(query('db', 'A', { flags: 0, id: 7 }), { ...FROM_DB, ttl: 30 }))
  t.equal(r.flag_rd, false, 'rd not asked: not set')
  t.equal(r.flag_ra, true)
  t.equal(r.id, 7)
  t.strictSame(r.answers?.map(a => [a.type, a.name, (a as { ttl?: number }).ttl, (a as { data: unknown }).data]), [['A', 'db', 30, '172.18.0.3']])
  const zero = replyOf(t, decide(query('db'), { ...FROM_DB, ttl: 0 }))
  t.equal((zero.answers?.[0] as { ttl?: number }).ttl, 0, 'ttl 0 is kept')
  const other = replyOf(t, decide(query('db', 'A', { flags: RD | dnsPacket.CHECKING_DISABLED | dnsPacket.AUTHENTIC_DATA }), FROM_DB))
  t.equal(other.flag_rd, true)
  t.equal(other.flag_cd, false, 'no other query flag is copied')
  t.equal(other.flag_ad, false)
})

tap.test('A: several addresses are shuffled on each query', async t => {
  const orders = new Map<string, number>()
  const first = new Map<string, number>()
  const N = 600
  for (let i = 0; i < N; i++) {
    const d = decide(query('front'), FROM_DB)
    const ips = 'reply' in d ? ipsOf(d.reply).map(String) : []
    t.equal(ips.length, 3)
    orders.set(ips.join(','), (orders.get(ips.join(',')) ?? 0) + 1)
    first.set(ips[0] ?? '', (first.get(ips[0] ?? '') ?? 0) + 1)
  }
  t.ok(orders.size > 1, `more than one order (${orders.size})`)
  t.equal(orders.size, 6, 'every permutation of three appears in 600 queries')
  for (const [ip, n] of first) t.ok(n > N / 6, `${ip} comes first ${n} times of ${N}`)
  for (const order of orders.keys()) t.strictSame(order.split(',').sort(), ['172.18.0.2', '172.18.0.3', '172.18.0.4'], 'a permutation')
})

tap.test('a single address: one record', async t => {
  t.strictSame(ipsOf(replyOf(t, decide(query('vault'), FROM_VAULT))), ['172.20.0.2'])
  t.strictSame(ipsOf(replyOf(t, decide(query('web.nasanet'), FROM_WEB))), ['172.19.0.2'])
})

tap.test('a name on two of the asker’s networks: both addresses, once each', async t => {
  t.strictSame([...ipsOf(replyOf(t, decide(query('web'), FROM_WEB)))].sort(), ['172.18.0.2', '172.19.0.2'])
  t.strictSame([...ipsOf(replyOf(t, decide(query('apollo'), FROM_WEB)))].sort(), ['172.18.0.2', '172.19.0.2'])
  t.strictSame(ipsOf(replyOf(t, decide(query('web'), FROM_DB))), ['172.18.0.2'], 'only the networks the asker is on')
})

tap.test('names are case-insensitive; a trailing dot is ignored', async t => {
  for (const name of ['DB', 'Db', 'db.CustomBridge', '0123456789AB', 'FRONT.custombridge']) {
    const r = replyOf(t, decide(query(name), FROM_DB))
    t.equal(r.rcode, 'NOERROR', name)
    t.ok((r.answers?.length ?? 0) >= 1, name)
    t.ok(r.answers?.every(a => a.name === name), `the answer is for the name as asked: ${name}`)
  }
  // dns-packet's decoder never leaves a trailing dot; a hand-built packet can
  const dotted: Packet = { type: 'query', id: 1, flags: RD, questions: [{ type: 'A', name: 'db.', class: 'IN' }] }
  const d = decide(dotted, FROM_DB)
  t.ok('reply' in d && ipsOf(d.reply).includes('172.18.0.3'), 'db. is db')
  const dottedNet: Packet = { type: 'query', id: 1, flags: RD, questions: [{ type: 'A', name: 'DB.custombridge.', class: 'IN' }] }
  t.ok('reply' in decide(dottedNet, FROM_DB))
})

tap.test('AAAA and MX for a known name: NOERROR, no answer, not forwarded (oracle §10)', async t => {
  for (const type of ['AAAA', 'MX'] as const) {
    for (const name of ['db', 'front', 'DB.custombridge']) {
      const d = decide(query(name, type), FROM_DB)
      t.notOk(isForward(d), `${type} ${name} answered`)
      const r = replyOf(t, d)
      t.equal(r.rcode, 'NOERROR')
      t.strictSame(r.answers, [], `${type} ${name}: no answer`)
      t.equal(r.flag_aa, false)
      t.equal(r.flag_ra, true)
    }
  }
})

tap.test('AAAA and MX for an unknown name are forwarded', async t => {
  t.ok(isForward(decide(query('example.com', 'AAAA'), FROM_DB)))
  t.ok(isForward(decide(query('example.com', 'MX'), FROM_DB)))
  t.ok(isForward(decide(query('vault', 'AAAA'), FROM_DB)), 'a name on another network is unknown')
})

tap.test('TXT, SRV, NS, SOA, ANY, CNAME for a known name are forwarded (oracle §10)', async t => {
  for (const type of ['TXT', 'SRV', 'NS', 'SOA', 'ANY' as RecordType, 'CNAME'] as const) {
    t.ok(isForward(decide(query('db', type), FROM_DB)), type)
  }
})

tap.test('unknown names are forwarded', async t => {
  for (const name of ['example.com', 'www.example.org', 'db.nasanet', 'vault', 'keys.secret', 'web.custombridge.example', 'halfway']) {
    t.ok(isForward(decide(query(name), FROM_DB)), name)
  }
  t.strictSame(decide(query('example.com'), FROM_DB), { forward: true })
})

tap.test('PTR for an address on the asker’s networks: one record, name.network.', async t => {
  const q = query('2.0.18.172.in-addr.arpa', 'PTR')
  const r = replyOf(t, decide(q, FROM_DB))
  t.equal(r.rcode, 'NOERROR')
  t.equal(r.flag_aa, false)
  t.equal(r.answers?.length, 1)
  t.match(r.answers?.[0], { type: 'PTR', name: '2.0.18.172.in-addr.arpa', ttl: 600, data: 'web.custombridge' })
  const d = decide(q, { ...FROM_DB, ttl: 5 })
  t.ok('reply' in d)
  if ('reply' in d) {
    t.equal((d.reply.answers?.[0] as { data: string }).data, 'web.custombridge.', 'with a trailing dot')
    t.equal((d.reply.answers?.[0] as { ttl: number }).ttl, 5)
  }
  const upper = replyOf(t, decide(query('3.0.18.172.IN-ADDR.ARPA', 'PTR'), FROM_DB))
  t.equal((upper.answers?.[0] as { data: string }).data, 'db.custombridge', 'case-insensitive')
  const nasa = replyOf(t, decide(query('2.0.19.172.in-addr.arpa', 'PTR'), FROM_WEB))
  t.equal((nasa.answers?.[0] as { data: string }).data, 'web.nasanet', `lower-case network name (${NASA.name})`)
})

tap.test('PTR for other addresses is forwarded (oracle §11)', async t => {
  for (const name of [
    '1.0.18.172.in-addr.arpa', // the gateway
    '99.0.18.172.in-addr.arpa', // unknown
    '2.0.20.172.in-addr.arpa', // another network's container
    '9.0.18.172.in-addr.arpa', // a joining endpoint
    '8.8.8.8.in-addr.arpa', // external
    '2.0.17.172.in-addr.arpa', // the default bridge
  ]) {
    t.ok(isForward(decide(query(name, 'PTR'), FROM_DB)), name)
  }
})
