import tap from 'tap'
import { BERTH_TABLE, type FirewallNetwork, renderBridgeTable, renderRemoval, renderRuleset } from '../../../src/firewall/render.js'
import type { TableRef } from '../../../src/firewall/nft-json.js'
import type { FirewallPort } from '../../../src/firewall/ports.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

/** enable_icc and enable_ip_masquerade as Docker defaults them. */
const ON = { icc: true, masquerade: true } as const
const DEFAULT: FirewallNetwork = { name: 'bridge', bridge: 'berth0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', internal: false, ...ON, bridgeMac: '02:42:00:00:00:01' }
const CUSTOM: FirewallNetwork = { name: 'custombridge', bridge: 'br-17c77452ce21', subnet: '172.18.0.0/16', gateway: '172.18.0.1', internal: false, ...ON, bridgeMac: '02:42:17:c7:74:52' }
const INTERNAL: FirewallNetwork = { name: 'secret', bridge: 'br-0a1b2c3d4e5f', subnet: '172.20.0.0/16', gateway: '172.20.0.254', internal: true, ...ON, bridgeMac: '02:42:0a:1b:2c:3d' }
const MIX = [DEFAULT, CUSTOM, INTERNAL]
/** The same networks with enable_icc / enable_ip_masquerade off (render-options.ts has their semantics). */
const OFF = [{ ...DEFAULT, masquerade: false }, { ...CUSTOM, icc: false }, { ...INTERNAL, icc: false, masquerade: false }]
const PORTS: FirewallPort[] = [
  { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
  { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '172.18.0.2', containerPort: 53 },
]

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
const verdictOf = (r: RuleBody) => Object.keys(r.expr.at(-1) ?? {})[0]
const matchesIf = (r: RuleBody, key: 'iifname' | 'oifname', value: string, op = '==') =>
  r.expr.some(e => {
    const m = e.match as { op: string; left: { meta?: { key: string } }; right: unknown } | undefined
    return m?.left.meta?.key === key && m.right === value && m.op === op
  })

tap.test('snapshots', async t => {
  t.matchSnapshot(renderRuleset([]), 'no networks')
  t.matchSnapshot(renderRuleset([DEFAULT]), 'default bridge only')
  t.matchSnapshot(renderRuleset(MIX), 'default, user and internal networks')
  t.matchSnapshot(renderRuleset(MIX, { ports: PORTS }), 'with published ports')
  t.matchSnapshot(renderRemoval(), 'removal')
})

tap.test('the batch starts by replacing the table: add, delete, add', async t => {
  for (const nets of [[], [DEFAULT], MIX]) {
    const cmds = renderRuleset(nets)
    t.strictSame(cmds.slice(0, 3), [
      { add: { table: { family: 'inet', name: 'berth' } } },
      { delete: { table: { family: 'inet', name: 'berth' } } },
      { add: { table: { family: 'inet', name: 'berth' } } },
    ])
  }
})

tap.test('every rule is commented and counted just before its verdict', async t => {
  // verdict statements: accept, drop, masquerade; jump into the published chain; dnat in it
  const verdicts = ['accept', 'drop', 'masquerade', 'jump', 'dnat']
  for (const rules of [[], [DEFAULT], MIX, OFF].flatMap(nets => [rulesOf(renderRuleset(nets)), rulesOf(renderRuleset(nets, { ports: PORTS }))])) {
    t.ok(rules.length >= 11, `${rules.length} rules`)
    for (const r of rules) {
      t.type(r.comment, 'string')
      t.ok(typeof r.comment === 'string' && r.comment.length > 0, `comment: ${String(r.comment)}`)
      t.ok(r.expr.length >= 2)
      t.strictSame(r.expr.at(-2), { counter: null }, `counter before verdict: ${String(r.comment)}`)
      t.ok(verdicts.includes(verdictOf(r) ?? ''), `verdict last: ${String(r.comment)}`)
      t.notOk(r.expr.slice(0, -1).some(e => verdicts.some(v => v in e)), `only one verdict: ${String(r.comment)}`)
      t.equal(r.expr.filter(e => 'counter' in e).length, 1, 'exactly one counter')
      t.equal(r.family, 'inet')
      t.equal(r.table, 'berth')
    }
    t.ok(
      rules.filter(r => verdictOf(r) === 'dnat').every(r => r.chain === 'published'),
      'dnat only in the published chain',
    )
    t.strictSame(
      rules.filter(r => verdictOf(r) === 'jump').map(r => r.chain),
      ['nat_prerouting', 'nat_output'],
      'jumps only from the nat base chains',
    )
  }
})

tap.test('the bridge table too: every rule commented and counted just before its drop', async t => {
  const all = [OFF, OFF.map(n => ({ ...n, icc: false }))].map(nets => rulesOf(renderBridgeTable(nets, true)))
  t.strictSame(all.map(r => r.length), [2, 3], 'one rule per network with enable_icc=false')
  for (const r of all.flat()) {
    t.ok(typeof r.comment === 'string' && r.comment.length > 0 && Buffer.byteLength(r.comment) <= 128, `comment: ${String(r.comment)}`)
    t.strictSame(r.expr.slice(-2), [{ counter: null }, { drop: null }], `counter, then the drop: ${String(r.comment)}`)
    t.equal(r.expr.filter(e => 'counter' in e).length, 1, 'exactly one counter')
    t.strictSame([r.family, r.table, r.chain], ['bridge', 'berth', 'forward'])
  }
  t.strictSame(rulesOf(renderBridgeTable(MIX, true)), [], 'no rules when every network has ICC')
})

tap.test('set of bridges and base chains', async t => {
  const cmds = renderRuleset(MIX)
  t.strictSame(cmds[3], {
    add: {
      set: {
        family: 'inet',
        table: 'berth',
        name: 'bridges',
        type: 'ifname',
        comment: 'bridges of all berth networks',
        elem: ['berth0', 'br-17c77452ce21', 'br-0a1b2c3d4e5f'],
      },
    },
  })
  const empty = renderRuleset([])[3] as { add: { set: Record<string, unknown> } }
  t.notOk('elem' in empty.add.set, 'an empty set has no elem key (nft refuses elem: [])')
  t.strictSame(cmds[4], {
    add: { chain: { family: 'inet', table: 'berth', name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } },
  })
  t.strictSame(cmds[5], {
    add: { chain: { family: 'inet', table: 'berth', name: 'postrouting', type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' } },
  })
  t.strictSame(cmds[6], {
    add: { chain: { family: 'inet', table: 'berth', name: 'raw_prerouting', type: 'filter', hook: 'prerouting', prio: -300, policy: 'accept' } },
  }, 'raw priority: before conntrack (-200) and NAT (-100)')
})

tap.test('postrouting: outbound and hairpin masquerade per network (none for internal ones), then 127/8', async t => {
  const nat = rulesOf(renderRuleset(MIX)).filter(r => r.chain === 'postrouting')
  t.equal(nat.length, 5)
  t.ok(nat.every(r => verdictOf(r) === 'masquerade'))
  const saddr = (n: FirewallNetwork) => ({
    match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: n.subnet.split('/')[0], len: 16 } } },
  })
  const daddr = (n: FirewallNetwork) => ({
    match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: { prefix: { addr: n.subnet.split('/')[0], len: 16 } } },
  })
  const dnat = { match: { op: 'in', left: { ct: { key: 'status' } }, right: 'dnat' } }
  t.strictSame(
    nat.map(r => r.expr.slice(0, -2)),
    [
      ...[DEFAULT, CUSTOM].flatMap(n => [
        [saddr(n), { match: { op: '!=', left: { meta: { key: 'oifname' } }, right: n.bridge } }],
        [saddr(n), daddr(n), dnat],
      ]),
      [
        { match: { op: '==', left: { meta: { key: 'oifname' } }, right: '@bridges' } },
        { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { prefix: { addr: '127.0.0.0', len: 8 } } } },
      ],
    ],
  )
  t.notOk(nat.some(r => JSON.stringify(r).includes(INTERNAL.bridge) || JSON.stringify(r).includes('172.20.0.0')), 'nothing for the internal network')
  t.equal(rulesOf(renderRuleset([INTERNAL])).filter(r => r.chain === 'postrouting').length, 1, 'internal only: just the 127/8 rule')
})

tap.test('forward chain order: replies, ICC, internal drops, published ports, isolation, outbound, inbound drop', async t => {
  const fwd = rulesOf(renderRuleset(MIX)).filter(r => r.chain === 'forward')
  const first = fwd[0]
  t.ok(first && matchesIf(first, 'oifname', '@bridges'), 'replies first')
  t.strictSame(first?.expr[1], { match: { op: 'in', left: { ct: { key: 'state' } }, right: ['established', 'related'] } })
  t.equal(first && verdictOf(first), 'accept')
  const published = fwd.findIndex(r => JSON.stringify(r.expr[1]) === JSON.stringify({ match: { op: 'in', left: { ct: { key: 'status' } }, right: 'dnat' } }))
  const dnat = fwd[published] as RuleBody
  t.ok(matchesIf(dnat, 'oifname', '@bridges'), 'published ports: to any bridge')
  t.equal(dnat.expr.length, 4)
  t.equal(verdictOf(dnat), 'accept')

  const icc = (n: FirewallNetwork) => fwd.findIndex(r => matchesIf(r, 'iifname', n.bridge) && matchesIf(r, 'oifname', n.bridge))
  const isolation = fwd.findIndex(r => matchesIf(r, 'iifname', '@bridges') && matchesIf(r, 'oifname', '@bridges'))
  const outbound = fwd.findIndex(r => r.expr.length === 3 && matchesIf(r, 'iifname', '@bridges'))
  const inbound = fwd.findIndex(r => r.expr.length === 3 && matchesIf(r, 'oifname', '@bridges'))
  for (const n of MIX) {
    t.ok(icc(n) > 0 && icc(n) < published, `ICC of ${n.name} before published ports and isolation`)
    t.equal(verdictOf(fwd[icc(n)] as RuleBody), 'accept')
  }
  t.ok(published < isolation, 'published ports before isolation: other networks reach them')
  t.equal(verdictOf(fwd[isolation] as RuleBody), 'drop')
  t.equal(outbound, isolation + 1)
  t.equal(verdictOf(fwd[outbound] as RuleBody), 'accept')
  t.equal(inbound, fwd.length - 1)
  t.equal(verdictOf(fwd[inbound] as RuleBody), 'drop')

  // internal: after its own ICC accept, everything else in or out is dropped —
  // before published ports could let it reach one, and before the outbound accept
  const leaves = fwd.findIndex(r => r.expr.length === 3 && matchesIf(r, 'iifname', INTERNAL.bridge))
  const enters = fwd.findIndex(r => r.expr.length === 3 && matchesIf(r, 'oifname', INTERNAL.bridge))
  t.ok(leaves > icc(INTERNAL) && leaves < published, 'internal: nothing leaves it, not even to a published port')
  t.ok(enters > icc(INTERNAL) && enters < published, 'internal: nothing enters it')
  t.equal(verdictOf(fwd[leaves] as RuleBody), 'drop')
  t.equal(verdictOf(fwd[enters] as RuleBody), 'drop')
  t.equal(fwd.filter(r => JSON.stringify(r).includes(CUSTOM.bridge)).length, 1, 'a normal network has only its ICC rule')
})

tap.test('rules name the network they belong to', async t => {
  const comments = rulesOf(renderRuleset(MIX)).map(r => String(r.comment))
  t.ok(comments.some(c => c.startsWith('custombridge:')))
  t.ok(comments.some(c => c.startsWith('secret is internal')))
})

tap.test('long network names are shortened in comments (nft allows 128 bytes)', async t => {
  const long = (n: number, internal = false): FirewallNetwork => ({ ...INTERNAL, name: 'q'.repeat(n), internal })
  for (const net of [long(128), long(128, true)]) {
    const comments = rulesOf(renderRuleset([net])).map(r => String(r.comment))
    const own = comments.filter(c => c.startsWith('q'))
    // ICC and the raw drop; then internal: two drops, else: outbound and hairpin masquerade
    t.equal(own.length, 4, 'the network’s own rules')
    for (const c of own) {
      t.ok(c.startsWith(`${'q'.repeat(39)}…`) && !c.startsWith('q'.repeat(40)), `cut after 39 characters: ${c}`)
    }
    t.ok(comments.every(c => Buffer.byteLength(c) <= 128), 'every comment fits')
  }
  const exact = rulesOf(renderRuleset([long(40)])).map(r => String(r.comment))
  t.ok(exact.some(c => c.startsWith(`${'q'.repeat(40)}:`)), '40 characters are kept whole')
  t.notOk(exact.some(c => c.includes('…')))
  const cut = rulesOf(renderRuleset([long(41)])).map(r => String(r.comment))
  t.ok(cut.some(c => c.startsWith(`${'q'.repeat(39)}…:`)), '41 are not')
})

tap.test('dropOtherForwarding sets the forward chain policy to drop, and nothing else', async t => {
  const chain = (cmds: NftCommand[], name: string) =>
    cmds.map(c => (c.add as { chain?: { name: string; policy: string } } | undefined)?.chain).find(c => c?.name === name)
  for (const nets of [[], MIX]) {
    const plain = renderRuleset(nets)
    const dropping = renderRuleset(nets, { dropOtherForwarding: true })
    t.equal(chain(plain, 'forward')?.policy, 'accept')
    t.equal(chain(dropping, 'forward')?.policy, 'drop')
    t.equal(chain(dropping, 'postrouting')?.policy, 'accept', 'nat is not filtered')
    t.strictSame(renderRuleset(nets, { dropOtherForwarding: false }), plain)
    t.strictSame(renderRuleset(nets, {}), plain)
    const differs = dropping.map((c, i) => JSON.stringify(c) !== JSON.stringify(plain[i]))
    t.strictSame(
      differs.flatMap((d, i) => (d ? [i] : [])),
      [4],
      'only the forward chain command differs',
    )
  }
})

tap.test('another table can be rendered', async t => {
  const table: TableRef = { family: 'ip', name: 'bt-test' }
  const cmds = renderRuleset([DEFAULT], {}, table)
  t.strictSame(cmds[0], { add: { table: { family: 'ip', name: 'bt-test' } } })
  const rules = rulesOf(cmds)
  t.ok(rules.length > 0)
  t.ok(rules.every(r => r.family === 'ip' && r.table === 'bt-test'))
  t.match(renderRuleset([DEFAULT], { dropOtherForwarding: true }, table)[4], {
    add: { chain: { family: 'ip', table: 'bt-test', name: 'forward', policy: 'drop' } },
  })
})

tap.test('renderRemoval: add then delete, so it works whether or not the table exists', async t => {
  t.strictSame(renderRemoval(), [
    { add: { table: { family: 'inet', name: 'berth' } } },
    { delete: { table: { family: 'inet', name: 'berth' } } },
  ])
  t.strictSame(BERTH_TABLE, { family: 'inet', name: 'berth' })
  t.strictSame(renderRemoval({ family: 'ip', name: 'x' }), [
    { add: { table: { family: 'ip', name: 'x' } } },
    { delete: { table: { family: 'ip', name: 'x' } } },
  ])
})
