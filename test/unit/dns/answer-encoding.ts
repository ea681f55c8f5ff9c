/**
 * The embedded DNS's answers on the wire: header flags, EDNS limit, truncation, FORMERR.
 */
import dnsPacket, { type Packet } from 'dns-packet'
import tap from 'tap'
import { decide, encodeUdp, formErr, respond, udpLimit } from '../../../src/dns/answer.js'
import type { NetworkRecords } from '../../../src/dns/records.js'
import { dec, RD, RA, AA, TC, query } from './fixtures/answer-helpers.js'

const opt = (udpPayloadSize: number) => [{ type: 'OPT' as const, name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]

tap.test('udpLimit: 512, else the EDNS size, never below 512', async t => {
  t.equal(udpLimit(query('db')), 512, 'no EDNS')
  t.equal(udpLimit(query('db', 'A', { additionals: opt(4096) })), 4096)
  t.equal(udpLimit(query('db', 'A', { additionals: opt(1232) })), 1232)
  t.equal(udpLimit(query('db', 'A', { additionals: opt(513) })), 513)
  t.equal(udpLimit(query('db', 'A', { additionals: opt(100) })), 512, 'floor 512 (RFC 6891)')
  // dns-packet encodes a size of 0 as 4096: build this one by hand
  t.equal(udpLimit({ type: 'query', questions: [], additionals: opt(0) }), 512, 'a size of 0')
  t.equal(udpLimit(query('db', 'A', { additionals: opt(65535) })), 65535)
  t.equal(udpLimit({ type: 'query', questions: [] }), 512, 'no additionals list at all')
})

/** A reply with `n` A records for `many` (20 bytes each, no compression). */
const bigReply = (n: number): Packet => {
  const ips = Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`)
  const net: NetworkRecords = { id: 'n', name: 'n', internal: false, a: new Map([['many', ips]]), ptr: new Map() }
  const d = decide(query('many', 'A', { id: 0x1234 }), { networks: [net], forward: true, explicitNdots: false, ttl: 600 })
  if (!('reply' in d)) throw new Error('no reply')
  return d.reply
}

tap.test('encodeUdp: over the limit → TC and no records; under it → everything', async t => {
  const big = bigReply(100)
  const full = dnsPacket.encode(big)
  t.ok(full.length > 512, `the full answer is ${full.length} bytes`)

  const cut = encodeUdp(big, 512)
  t.ok(cut.length <= 512, `${cut.length} bytes`)
  const c = dec(cut)
  t.equal(c.flag_tc, true, 'TC set')
  t.strictSame(c.answers, [], 'no records')
  t.strictSame(c.authorities, [])
  t.strictSame(c.additionals, [])
  t.strictSame(c.questions, [{ name: 'many', type: 'A', class: 'IN' }], 'the question is kept')
  t.equal(c.id, 0x1234)
  t.equal(c.rcode, 'NOERROR')
  t.equal(c.flag_ra, true)
  t.equal(c.flag_rd, true)
  t.equal(c.flag_qr, true)

  const whole = dec(encodeUdp(big, 4096))
  t.equal(whole.flag_tc, false, 'no TC when it fits')
  t.equal(whole.answers?.length, 100, 'every record')

  t.equal(dec(encodeUdp(big, full.length)).answers?.length, 100, 'exactly the limit fits')
  const oneOver = dec(encodeUdp(big, full.length - 1))
  t.equal(oneOver.flag_tc, true, 'one byte over is truncated')
  t.strictSame(oneOver.answers, [])

  const small = bigReply(3)
  t.strictSame(encodeUdp(small, 512), dnsPacket.encode(small), 'a small answer is encoded as it is')
  t.equal(dec(encodeUdp(small, 512)).flag_tc, false)
  t.equal(dec(encodeUdp(bigReply(24), 512)).answers?.length, 24, '24 records (12+8+24·20 = 500 bytes) fit in 512')
  t.equal(dec(encodeUdp(bigReply(25), 512)).flag_tc, true, '25 records (520 bytes) do not')
})

tap.test('formErr: undefined under 12 bytes, else FORMERR with the same id', async t => {
  for (const n of [0, 1, 2, 11]) t.equal(formErr(Buffer.alloc(n, 0xab)), undefined, `${n} bytes`)
  const header = Buffer.from([0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])
  const r = formErr(header)
  t.ok(r)
  const p = dec(r as Buffer)
  t.equal(p.id, 0xbeef)
  t.equal(p.type, 'response')
  t.equal(p.rcode, 'FORMERR')
  t.strictSame(p.questions, [])
  t.strictSame(p.answers, [])
  t.equal(p.flag_aa, false)
  const garbage = Buffer.concat([Buffer.from([0x00, 0x07]), Buffer.alloc(40, 0xff)])
  const g = dec(formErr(garbage) as Buffer)
  t.equal(g.id, 7)
  t.equal(g.rcode, 'FORMERR')
  t.equal((formErr(garbage) as Buffer).length, 12, 'a bare header')
})

tap.test('respond: qr, rd as asked, ra, the rcode; never aa', async t => {
  const q = { id: 9, flags: RD | AA | TC, questions: [{ type: 'A' as const, name: 'x', class: 'IN' as const }] }
  t.strictSame(respond(q, 'SERVFAIL'), { type: 'response', id: 9, flags: RD | RA | 2, questions: q.questions, answers: [] })
  t.strictSame(respond({ id: 1, flags: 0, questions: [] }, 'NXDOMAIN').flags, RA | 3)
  t.strictSame(respond({ id: 1, flags: 0, questions: [] }, 'REFUSED').flags, RA | 5)
  t.strictSame(respond({ id: 1, flags: 0, questions: [] }, 'NOTIMP').flags, RA | 4)
  t.strictSame(respond({}, 'FORMERR'), { type: 'response', id: 0, flags: RA | 1, questions: [], answers: [] }, 'an empty query')
})
