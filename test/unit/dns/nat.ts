import tap from 'tap'
import { DNS_TABLE, renderDnsNat } from '../../../src/dns/nat.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

interface RuleBody {
  family: string
  table: string
  chain: string
  comment?: unknown
  expr: Record<string, unknown>[]
}
const rulesOf = (cmds: NftCommand[]): RuleBody[] =>
  cmds.flatMap(c => {
    const add = c.add as { rule?: RuleBody } | undefined
    return add?.rule ? [add.rule] : []
  })
const matchOn = (r: RuleBody, left: unknown) =>
  r.expr.flatMap(e => {
    const m = e.match as { op: string; left: unknown; right: unknown } | undefined
    return m && JSON.stringify(m.left) === JSON.stringify(left) ? [m] : []
  })

tap.test('snapshot', async t => {
  t.matchSnapshot(renderDnsNat(40001, 40002), 'udp 40001, tcp 40002')
})

tap.test('the table: ip berth_dns, replaced atomically (add, delete, add)', async t => {
  t.strictSame(DNS_TABLE, { family: 'ip', name: 'berth_dns' })
  const cmds = renderDnsNat(1053, 2053)
  t.strictSame(cmds.slice(0, 3), [
    { add: { table: { family: 'ip', name: 'berth_dns' } } },
    { delete: { table: { family: 'ip', name: 'berth_dns' } } },
    { add: { table: { family: 'ip', name: 'berth_dns' } } },
  ])
  t.equal(cmds.length, 6, 'table ×3, one chain, two rules')
  t.notOk(cmds.slice(3).some(c => 'delete' in c), 'nothing else is deleted')
})

tap.test('one nat output base chain, priority -100 (dstnat), policy accept', async t => {
  const chains = renderDnsNat(1053, 2053).flatMap(c => {
    const add = c.add as { chain?: Record<string, unknown> } | undefined
    return add?.chain ? [add.chain] : []
  })
  t.strictSame(chains, [{ family: 'ip', table: 'berth_dns', name: 'output', type: 'nat', hook: 'output', prio: -100, policy: 'accept' }])
})

tap.test('two rules: udp and tcp to 127.0.0.11:53 → dnat to berthd’s ports', async t => {
  const rules = rulesOf(renderDnsNat(40001, 40002))
  t.equal(rules.length, 2)
  const byProto = (proto: string) => rules.find(r => matchOn(r, { payload: { protocol: proto, field: 'dport' } }).length > 0)
  for (const [proto, port] of [
    ['udp', 40001],
    ['tcp', 40002],
  ] as const) {
    const r = byProto(proto)
    t.ok(r, `a ${proto} rule`)
    if (!r) continue
    t.equal(r.family, 'ip')
    t.equal(r.table, 'berth_dns')
    t.equal(r.chain, 'output')
    t.strictSame(matchOn(r, { payload: { protocol: proto, field: 'dport' } }), [
      { op: '==', left: { payload: { protocol: proto, field: 'dport' } }, right: 53 },
    ])
    t.strictSame(matchOn(r, { payload: { protocol: 'ip', field: 'daddr' } }), [
      { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { prefix: { addr: '127.0.0.11', len: 32 } } },
    ], 'only 127.0.0.11: port 53 of the other addresses stays free')
    t.strictSame(r.expr.at(-1), { dnat: { family: 'ip', addr: '127.0.0.11', port } }, `dnat to 127.0.0.11:${port}`)
    t.strictSame(r.expr.at(-2), { counter: null }, 'a counter just before the dnat')
    t.equal(r.expr.filter(e => 'counter' in e).length, 1)
    t.equal(r.expr.filter(e => 'dnat' in e).length, 1)
    t.type(r.comment, 'string')
    t.match(r.comment, new RegExp(`127\\.0\\.0\\.11:53/${proto}.*${port}`), 'the comment says what and where')
  }
})

tap.test('the ports given are the ports used, each for its own protocol', async t => {
  const dnatPorts = (u: number, p: number) => rulesOf(renderDnsNat(u, p)).map(r => (r.expr.at(-1)?.dnat as { port: number }).port)
  t.strictSame(dnatPorts(1, 65535), [1, 65535])
  t.strictSame(dnatPorts(50000, 50000), [50000, 50000])
  t.strictSame(dnatPorts(33333, 44444), [33333, 44444])
  t.not(JSON.stringify(renderDnsNat(33333, 44444)), JSON.stringify(renderDnsNat(44444, 33333)), 'udp and tcp ports are not swapped')
})

tap.test('another table name can be given', async t => {
  const cmds = renderDnsNat(1, 2, { family: 'ip', name: 'probe' })
  t.ok(JSON.stringify(cmds).includes('"probe"'))
  t.notOk(JSON.stringify(cmds).includes('berth_dns'))
  t.strictSame(cmds[0], { add: { table: { family: 'ip', name: 'probe' } } })
})
