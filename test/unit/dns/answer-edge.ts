// The embedded DNS's decisions at the edges: internal networks, ndots,
// other opcodes, malformed question counts, lookupA, and purity.
import { type Packet } from 'dns-packet'
import tap from 'tap'
import { decide, lookupA } from '../../../src/dns/answer.js'
import { type NetworkRecords } from '../../../src/dns/records.js'
import { RD, FROM_WEB, FROM_DB, FROM_VAULT, query, replyOf, rcodeOf, isForward, ipsOf } from './fixtures/answer-helpers.js'

tap.test('all networks internal: REFUSED at once for what is not local, local names still answered', async t => {
  t.equal(FROM_VAULT.forward, false)
  for (const [name, type] of [
    ['example.com', 'A'],
    ['example.com', 'AAAA'],
    ['db', 'A'],
    ['vault', 'TXT'],
    ['99.0.20.172.in-addr.arpa', 'PTR'],
  ] as const) {
    const d = decide(query(name, type), FROM_VAULT)
    t.notOk(isForward(d), `${type} ${name} never forwarded`)
    const r = replyOf(t, d)
    t.equal(r.rcode, 'REFUSED', `${type} ${name}`)
    t.strictSame(r.answers, [])
    t.equal(r.flag_ra, true)
    t.equal(r.id, 0x4242)
  }
  t.strictSame(ipsOf(replyOf(t, decide(query('keys'), FROM_VAULT))), ['172.20.0.2'], 'an alias on the internal network')
  t.strictSame(ipsOf(replyOf(t, decide(query('half.secret'), FROM_VAULT))), ['172.20.0.9'])
  t.equal(replyOf(t, decide(query('vault', 'AAAA'), FROM_VAULT)).rcode, 'NOERROR')
  t.equal(
    (replyOf(t, decide(query('2.0.20.172.in-addr.arpa', 'PTR'), FROM_VAULT)).answers?.[0] as { data: string }).data,
    'vault.secret',
  )
  t.equal(rcodeOf(decide(query('example.com'), { ...FROM_DB, forward: false })), 'REFUSED', 'the flag alone decides')
})

tap.test('explicit ndots: single-label unknown A/AAAA → NOERROR empty, not forwarded (oracle §13)', async t => {
  const ndots = { ...FROM_DB, explicitNdots: true }
  for (const type of ['A', 'AAAA'] as const) {
    const d = decide(query('nosuchhost', type), ndots)
    t.notOk(isForward(d), type)
    const r = replyOf(t, d)
    t.equal(r.rcode, 'NOERROR', type)
    t.strictSame(r.answers, [], type)
    t.ok(isForward(decide(query('nosuchhost', type), FROM_DB)), `${type}: forwarded without explicit ndots`)
  }
  t.ok(isForward(decide(query('nosuchhost.example', 'A'), ndots)), 'two labels: forwarded')
  t.ok(isForward(decide(query('a.b.c', 'AAAA'), ndots)), 'three labels: forwarded')
  t.ok(isForward(decide(query('nosuchhost', 'TXT'), ndots)), 'TXT: forwarded')
  t.ok(isForward(decide(query('nosuchhost', 'MX'), ndots)), 'MX: forwarded')
  t.strictSame(ipsOf(replyOf(t, decide(query('db'), ndots))), ['172.18.0.3'], 'known single-label names still resolve')
  const dotted: Packet = { type: 'query', id: 1, questions: [{ type: 'A', name: 'nosuchhost.', class: 'IN' }] }
  t.equal(rcodeOf(decide(dotted, ndots)), 'NOERROR', 'a trailing dot does not make it two labels')
})

tap.test('an opcode other than QUERY: NOTIMP', async t => {
  for (const [opcode, name] of [
    [1, 'IQUERY'],
    [2, 'STATUS'],
    [4, 'NOTIFY'],
    [5, 'UPDATE'],
    [15, 'OPCODE_15'],
  ] as const) {
    const q = query('db', 'A', { flags: RD | (opcode << 11) })
    t.equal((q as { opcode?: string }).opcode, name, 'the decoded opcode')
    const d = decide(q, FROM_DB)
    const r = replyOf(t, d)
    t.equal(r.rcode, 'NOTIMP', name)
    t.strictSame(r.answers, [], `${name}: no answer even for a known name`)
    t.equal(r.id, 0x4242)
    t.equal(r.flag_ra, true)
  }
  t.equal(rcodeOf(decide(query('example.com', 'A', { flags: 5 << 11 }), FROM_VAULT)), 'NOTIMP', 'before REFUSED')
  t.equal(rcodeOf(decide(query('db', 'A', { flags: 0 }), FROM_DB)), 'NOERROR', 'opcode 0 is QUERY')
})

tap.test('zero or several questions: FORMERR', async t => {
  const none = query('', 'A', { questions: [] })
  t.strictSame(none.questions, [])
  const r0 = replyOf(t, decide(none, FROM_DB))
  t.equal(r0.rcode, 'FORMERR')
  t.equal(r0.id, 0x4242)
  t.strictSame(r0.answers, [])
  const two = query('', 'A', {
    questions: [
      { type: 'A', name: 'db', class: 'IN' },
      { type: 'A', name: 'front', class: 'IN' },
    ],
  })
  const r2 = replyOf(t, decide(two, FROM_DB))
  t.equal(r2.rcode, 'FORMERR', 'two known names')
  t.strictSame(r2.answers, [])
  t.equal(rcodeOf(decide(two, FROM_VAULT)), 'FORMERR', 'before REFUSED')
  t.equal(rcodeOf(decide({ type: 'query', id: 3 }, FROM_DB)), 'FORMERR', 'no questions list at all')
})

tap.test('lookupA: the addresses of a name on the scope’s networks', async t => {
  t.strictSame(lookupA(FROM_DB, 'db'), ['172.18.0.3'])
  t.strictSame([...lookupA(FROM_WEB, 'web')].sort(), ['172.18.0.2', '172.19.0.2'])
  t.strictSame(lookupA(FROM_DB, 'nothing'), [])
  t.strictSame(lookupA({ ...FROM_DB, networks: [] }, 'db'), [])
  const net = (ips: string[]): NetworkRecords => ({ id: 'x', name: 'x', internal: false, a: new Map([['dup', ips]]), ptr: new Map() })
  t.strictSame(lookupA({ ...FROM_DB, networks: [net(['10.0.0.1']), net(['10.0.0.1', '10.0.0.2'])] }, 'dup'), ['10.0.0.1', '10.0.0.2'], 'no duplicates across networks')
})

tap.test('decide does not modify the query', async t => {
  const q = query('front')
  const copy = structuredClone(q)
  decide(q, FROM_DB)
  decide(query('example.com'), FROM_VAULT)
  t.strictSame(q, copy)
})
