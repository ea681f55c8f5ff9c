import dnsPacket from 'dns-packet'
import tap from 'tap'
import { fastAnswer } from '../../../src/dns/fast.js'

const known: Record<string, string[]> = { web: ['10.1.0.2'], search: ['10.1.0.3', '10.1.0.4', '10.1.0.5'] }
const lookup = (name: string) => known[name]
const query = (name: string, type: 'A' | 'AAAA' | 'TXT' = 'A', extra: Partial<dnsPacket.Packet> = {}) =>
  dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }], ...extra })

tap.test('a plain A query for a known name is answered from the bytes, like the general path', async t => {
  const raw = fastAnswer(query('WEB'), lookup, 600, 'udp')
  t.ok(raw, 'answered')
  const r = dnsPacket.decode(raw as Buffer)
  t.match(r, { id: 4242, type: 'response', flag_qr: true, flag_rd: true, flag_ra: true, flag_aa: false, flag_tc: false, rcode: 'NOERROR' })
  t.same(r.questions, [{ name: 'WEB', type: 'A', class: 'IN' }], 'the question is echoed as asked')
  t.same(r.answers?.map(a => [a.name, a.type, a.ttl, a.data]), [['WEB', 'A', 600, '10.1.0.2']])
  t.equal((r.authorities ?? []).length + (r.additionals ?? []).length, 0)
})

tap.test('RD is echoed, never set when not asked', async t => {
  const raw = fastAnswer(dnsPacket.encode({ type: 'query', id: 1, flags: 0, questions: [{ type: 'A', name: 'web' }] }), lookup, 600, 'udp')
  t.equal(dnsPacket.decode(raw as Buffer).flag_rd, false)
})

tap.test('several addresses, shuffled across queries', async t => {
  const orders = new Set<string>()
  for (let i = 0; i < 40; i++) {
    const r = dnsPacket.decode(fastAnswer(query('search'), lookup, 7, 'udp') as Buffer)
    t.same(r.answers?.map(a => a.data).sort(), ['10.1.0.3', '10.1.0.4', '10.1.0.5'])
    orders.add(r.answers?.map(a => a.data).join() ?? '')
  }
  t.ok(orders.size > 1, `${orders.size} different orders`)
})

tap.test('everything else goes to the general path (undefined)', async t => {
  t.equal(fastAnswer(query('nosuch'), lookup, 600, 'udp'), undefined, 'unknown name')
  t.equal(fastAnswer(query('web', 'AAAA'), lookup, 600, 'udp'), undefined, 'not an A query')
  t.equal(fastAnswer(query('web', 'TXT'), lookup, 600, 'udp'), undefined, 'TXT')
  const response = dnsPacket.encode({ type: 'response', id: 1, flags: 0, questions: [{ type: 'A', name: 'web' }] })
  t.equal(fastAnswer(response, lookup, 600, 'udp'), undefined, 'a response is not a query')
  const two = dnsPacket.encode({ type: 'query', id: 1, questions: [{ type: 'A', name: 'web' }, { type: 'A', name: 'search' }] })
  t.equal(fastAnswer(two, lookup, 600, 'udp'), undefined, 'two questions')
  const opcode = Buffer.from(query('web'))
  opcode[2] = (opcode[2] ?? 0) | 0x10 // opcode 2 (STATUS)
  t.equal(fastAnswer(opcode, lookup, 600, 'udp'), undefined, 'another opcode')
  const pointer = Buffer.from(query('web'))
  pointer[12] = 0xc0
  t.equal(fastAnswer(pointer, lookup, 600, 'udp'), undefined, 'a compression pointer in the question')
  for (let cut = 0; cut < query('web').length; cut++) {
    t.equal(fastAnswer(query('web').subarray(0, cut), lookup, 600, 'udp'), undefined, `truncated to ${cut} bytes`)
  }
})

tap.test('EDNS: the OPT size is honoured; no room means the general path (which truncates)', async t => {
  const many = Array.from({ length: 40 }, (_, i) => `10.2.0.${i + 2}`)
  const big = (name: string) => (name === 'big' ? many : undefined)
  t.equal(fastAnswer(query('big'), big, 600, 'udp'), undefined, '40 records do not fit in 512 bytes')
  const edns = query('big', 'A', { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232 }] as dnsPacket.Answer[] })
  const r = dnsPacket.decode(fastAnswer(edns, big, 600, 'udp') as Buffer)
  t.equal(r.answers?.length, 40, 'EDNS 1232: they fit')
  t.equal(r.additionals?.length ?? 0, 0, 'no OPT in the answer (as Docker)')
  t.equal(dnsPacket.decode(fastAnswer(query('big'), big, 600, 'tcp') as Buffer).answers?.length, 40, 'TCP: no 512 limit')
})
