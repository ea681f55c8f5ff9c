/**
 * The network options in the firewall: enable_icc=false (a drop in berth's
 * inet forward chain after the published-ports accept, and the bridge-family
 * table for frames bridged port to port) and enable_ip_masquerade=false (no
 * outbound masquerade, no raw direct-access drop). render.ts has the
 * structure checks for both tables.
 */
import tap from 'tap'
import { BERTH_BRIDGE_TABLE, type FirewallNetwork, renderBridgeTable, renderRuleset } from '../../../src/firewall/render.js'
import type { FirewallPort } from '../../../src/firewall/ports.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

const ON = { icc: true, masquerade: true } as const
const DEFAULT: FirewallNetwork = { name: 'bridge', bridge: 'berth0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', internal: false, ...ON, bridgeMac: '02:42:00:00:00:01' }
const CUSTOM: FirewallNetwork = { name: 'noicc', bridge: 'br-17c77452ce21', subnet: '10.87.0.0/24', gateway: '10.87.0.1', internal: false, ...ON, bridgeMac: '02:42:17:c7:74:52' }
const INTERNAL: FirewallNetwork = { name: 'secret', bridge: 'br-0a1b2c3d4e5f', subnet: '172.20.0.0/16', gateway: '172.20.0.1', internal: true, ...ON, bridgeMac: '02:42:0a:1b:2c:3d' }
const MIX = [DEFAULT, CUSTOM, INTERNAL]
const PORTS: FirewallPort[] = [{ proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '10.87.0.2', containerPort: 80 }]
const noIcc = (n: FirewallNetwork): FirewallNetwork => ({ ...n, icc: false })
const noMasq = (n: FirewallNetwork): FirewallNetwork => ({ ...n, masquerade: false })

interface Rule {
  family: string
  table: string
  chain: string
  comment: string
  expr: Record<string, unknown>[]
}
const rulesOf = (cmds: readonly NftCommand[], chain?: string): Rule[] =>
  cmds.flatMap(c => {
    const r = (c.add as { rule?: Rule } | undefined)?.rule
    return r && (chain === undefined || r.chain === chain) ? [r] : []
  })
const m = (op: string, left: unknown, right: unknown) => ({ match: { op, left, right } })
const meta = (key: string) => ({ meta: { key } })
const ip = (field: string) => ({ payload: { protocol: 'ip', field } })
const prefix = (cidr: string) => ({ prefix: { addr: cidr.split('/')[0], len: Number(cidr.split('/')[1]) } })
const json = (x: unknown) => JSON.stringify(x)
/** `cmds` without the commands of `gone`, which must all be in it. */
const without = (cmds: readonly NftCommand[], gone: readonly Rule[]) => {
  const drop = new Set(gone.map(r => json({ add: { rule: r } })))
  return cmds.filter(c => !drop.has(json(c)))
}

tap.test('snapshots', async t => {
  const off = [noMasq(DEFAULT), noIcc(CUSTOM), noIcc(noMasq(INTERNAL))]
  t.matchSnapshot(renderRuleset(off, { ports: PORTS }), 'icc and masquerade off, with a published port')
  t.matchSnapshot(renderBridgeTable(off, false), 'bridge table, one network without ICC')
  t.matchSnapshot(renderBridgeTable(MIX, true), 'bridge table, every network with ICC')
})

tap.test('masquerade off: no outbound masquerade and no raw direct-access drop; nothing else changes', async t => {
  const plain = renderRuleset(MIX, { ports: PORTS })
  const off = renderRuleset([noMasq(DEFAULT), CUSTOM, INTERNAL], { ports: PORTS })
  const outbound = rulesOf(plain, 'postrouting').filter(r => json(r.expr[1]) === json(m('!=', meta('oifname'), DEFAULT.bridge)))
  const direct = rulesOf(plain, 'raw_prerouting').filter(r => json(r.expr[0]) === json(m('==', ip('daddr'), prefix(DEFAULT.subnet))))
  t.equal(outbound.length, 1, 'the outbound masquerade of the network')
  t.equal(direct.length, 1, 'its raw drop')
  t.strictSame(off, without(plain, [...outbound, ...direct]), 'exactly those two rules go, the order of the rest is kept')
  const hairpin = rulesOf(off, 'postrouting').filter(r => r.comment.startsWith('bridge: hairpin'))
  t.strictSame(hairpin.map(r => r.expr), [[m('==', ip('saddr'), prefix(DEFAULT.subnet)), m('==', ip('daddr'), prefix(DEFAULT.subnet)), m('in', { ct: { key: 'status' } }, 'dnat'), { counter: null }, { masquerade: null }]],
    'hairpin masquerade stays: a container reaching a published port on its own network')
  t.equal(rulesOf(off, 'raw_prerouting').filter(r => r.comment.startsWith('noicc:')).length, 1, 'other networks keep their raw drop')
  t.equal(rulesOf(off, 'raw_prerouting')[0]?.comment.startsWith('CVE-2020-8558'), true, 'the 127/8 drop stays')
  t.strictSame(rulesOf(off, 'forward'), rulesOf(plain, 'forward'), 'the forward chain does not change: new inbound still dropped')
  const internal = renderRuleset([DEFAULT, CUSTOM, noMasq(INTERNAL)])
  t.equal(internal.length, renderRuleset(MIX).length - 1, 'internal: only its raw drop goes (it had no masquerade)')
  t.notOk(rulesOf(internal, 'raw_prerouting').some(r => r.comment.startsWith('secret:')))
})

/** The forward chain's verdict for a packet, read from the rules as nft would. */
interface Packet {
  iif: string
  oif: string
  state?: 'new' | 'established'
  dnat?: boolean
}
const forwardVerdict = (cmds: readonly NftCommand[], p: Packet): string => {
  const bridges = cmds.map(c => (c.add as { set?: { name: string; elem?: string[] } } | undefined)?.set).find(s => s?.name === 'bridges')?.elem ?? []
  const holds = (e: Record<string, unknown>): boolean => {
    const { op, left, right } = (e as { match: { op: string; left: Record<string, { key: string }>; right: unknown } }).match
    const key = left.meta?.key ?? left.ct?.key
    const value = key === 'iifname' ? p.iif : key === 'oifname' ? p.oif : undefined
    let hit: boolean
    if (value !== undefined) hit = right === '@bridges' ? bridges.includes(value) : right === value
    else if (key === 'state') hit = (right as string[]).includes(p.state ?? 'new')
    else if (key === 'status' && right === 'dnat') hit = p.dnat === true
    else throw new Error(`unknown match ${json(e)}`)
    return op === '!=' ? !hit : hit
  }
  for (const r of rulesOf(cmds, 'forward')) if (r.expr.slice(0, -2).every(holds)) return Object.keys(r.expr.at(-1) ?? {})[0] ?? '?'
  return 'policy'
}

tap.test('icc off: its ICC accept becomes a drop right after the published-ports accept', async t => {
  const plain = renderRuleset(MIX)
  const off = renderRuleset([DEFAULT, noIcc(CUSTOM), INTERNAL])
  t.equal(off.length, plain.length, 'one rule replaced by another')
  const fwd = rulesOf(off, 'forward')
  const own = fwd.filter(r => json(r).includes(CUSTOM.bridge))
  t.strictSame(own.map(r => r.expr), [[m('==', meta('iifname'), CUSTOM.bridge), m('==', meta('oifname'), CUSTOM.bridge), { counter: null }, { drop: null }]], 'only the drop')
  t.equal(own[0]?.comment, 'noicc: enable_icc=false, containers on this network do not reach each other')
  const published = fwd.findIndex(r => json(r.expr[1]) === json(m('in', { ct: { key: 'status' } }, 'dnat')))
  const isolation = fwd.findIndex(r => r.comment.startsWith('isolation'))
  t.ok(published > 0)
  t.equal(fwd.indexOf(own[0] as Rule), published + 1, 'after the published-ports accept')
  t.equal(isolation, published + 2, 'before isolation')
  t.strictSame(fwd.filter(r => r !== own[0]), rulesOf(plain, 'forward').filter(r => !json(r).includes(CUSTOM.bridge)), 'the other forward rules are the same')
  for (const chain of ['raw_prerouting', 'postrouting', 'published']) t.strictSame(rulesOf(off, chain), rulesOf(plain, chain), `${chain} unchanged`)
  const two = rulesOf(renderRuleset([noIcc(DEFAULT), noIcc(CUSTOM), INTERNAL]), 'forward')
  const drops = two.flatMap((r, i) => (r.comment.includes('enable_icc=false') ? [i] : []))
  t.strictSame(drops.map(i => (two[i] as Rule).comment.split(':')[0]), ['bridge', 'noicc'], 'one per network, in network order')
  t.ok(drops.every(i => i > published - 1 && i < two.findIndex(r => r.comment.startsWith('isolation'))), 'all between published ports and isolation')
})

tap.test('icc off: what reaches a container of that network and what does not', async t => {
  const cmds = renderRuleset([DEFAULT, noIcc(CUSTOM), noIcc(INTERNAL)], { ports: PORTS })
  const B = CUSTOM.bridge
  const cases: [string, Packet, string][] = [
    ['container → container of that network, new', { iif: B, oif: B }, 'drop'],
    ['container → its network’s published port (hairpin, DNAT)', { iif: B, oif: B, dnat: true }, 'accept'],
    ['a reply', { iif: B, oif: B, state: 'established' }, 'accept'],
    ['container → outside', { iif: B, oif: 'eth0' }, 'accept'],
    ['outside → published port', { iif: 'eth0', oif: B, dnat: true }, 'accept'],
    ['outside → container, new', { iif: 'eth0', oif: B }, 'drop'],
    ['another network → it, new', { iif: 'berth0', oif: B }, 'drop'],
    ['another network with ICC is untouched', { iif: 'berth0', oif: 'berth0' }, 'accept'],
    ['internal without ICC: inside', { iif: INTERNAL.bridge, oif: INTERNAL.bridge }, 'drop'],
    ['internal without ICC: even via DNAT', { iif: INTERNAL.bridge, oif: INTERNAL.bridge, dnat: true }, 'drop'],
  ]
  for (const [what, p, want] of cases) t.equal(forwardVerdict(cmds, p), want, what)
  t.equal(forwardVerdict(renderRuleset(MIX), { iif: B, oif: B }), 'accept', 'with ICC the same packet passes')
})

const ADD = { add: { table: { family: 'bridge', name: 'berth' } } }
const DELETE = { delete: { table: { family: 'bridge', name: 'berth' } } }

tap.test('renderBridgeTable: when no network needs it, only removed if it may exist, else never named', async t => {
  t.strictSame(BERTH_BRIDGE_TABLE, { family: 'bridge', name: 'berth' })
  t.strictSame(renderBridgeTable([], true), [ADD, DELETE])
  t.strictSame(renderBridgeTable(MIX, true), [ADD, DELETE], 'every network with ICC')
  t.strictSame(renderBridgeTable([noMasq(DEFAULT)], true), [ADD, DELETE], 'masquerade has nothing to do with it')
  t.strictSame(renderBridgeTable([], false), [], 'a kernel without bridge-family nftables is never asked')
  t.strictSame(renderBridgeTable(MIX, false), [])
  t.strictSame(renderBridgeTable([noIcc(CUSTOM)], false), renderBridgeTable([noIcc(CUSTOM)], true), 'needed: replaced whole either way')
})

tap.test('renderBridgeTable: per network without ICC, IPv4 between its addresses not from the bridge’s MAC is dropped', async t => {
  t.strictSame(renderBridgeTable([DEFAULT, noIcc(CUSTOM), INTERNAL], false), [
    ADD,
    DELETE,
    ADD,
    { add: { chain: { family: 'bridge', table: 'berth', name: 'forward', type: 'filter', hook: 'forward', prio: 0, policy: 'accept' } } },
    {
      add: {
        rule: {
          family: 'bridge',
          table: 'berth',
          chain: 'forward',
          comment: 'noicc: enable_icc=false, no IPv4 between its containers',
          expr: [
            m('==', ip('saddr'), prefix('10.87.0.0/24')),
            m('==', ip('daddr'), prefix('10.87.0.0/24')),
            m('!=', { payload: { protocol: 'ether', field: 'saddr' } }, '02:42:17:c7:74:52'),
            { counter: null },
            { drop: null },
          ],
        },
      },
    },
  ])
  const all = rulesOf(renderBridgeTable([noIcc(INTERNAL), noIcc(DEFAULT), CUSTOM], false))
  t.strictSame(all.map(r => r.comment.split(':')[0]), ['secret', 'bridge'], 'in the order given, internal ones too')
  t.strictSame(all.map(r => (r.expr[2] as { match: { right: string } }).match.right), ['02:42:0a:1b:2c:3d', '02:42:00:00:00:01'], 'each its own bridge MAC')
  const long = rulesOf(renderBridgeTable([{ ...noIcc(CUSTOM), name: 'q'.repeat(100) }], false))[0]
  t.equal(long?.comment, `${'q'.repeat(39)}…: enable_icc=false, no IPv4 between its containers`, 'long names are cut')
  const other = renderBridgeTable([noIcc(CUSTOM)], false, { family: 'bridge', name: 'bt-test' })
  t.notOk(json(other).includes('"berth"'), 'another table can be rendered')
  t.equal(rulesOf(other)[0]?.table, 'bt-test')
})

/** The bridge table's verdict for a bridged IPv4 frame. */
const inCidr = (addr: string, cidr: string) => {
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0)
  const [base = '', len = '0'] = cidr.split('/')
  const size = 2 ** (32 - Number(len))
  return Math.floor(n(addr) / size) === Math.floor(n(base) / size)
}
const bridged = (cmds: readonly NftCommand[], f: { src: string; dst: string; mac: string }): string => {
  for (const r of rulesOf(cmds)) {
    const hit = r.expr.slice(0, -2).every(e => {
      const { op, left, right } = (e as { match: { op: string; left: { payload: { protocol: string; field: string } }; right: unknown } }).match
      const { protocol, field } = left.payload
      const ok = protocol === 'ether' ? f.mac === right : inCidr(field === 'saddr' ? f.src : f.dst, `${(right as { prefix: { addr: string; len: number } }).prefix.addr}/${(right as { prefix: { len: number } }).prefix.len}`)
      return op === '!=' ? !ok : ok
    })
    if (hit) return Object.keys(r.expr.at(-1) ?? {})[0] ?? '?'
  }
  return 'pass'
}

tap.test('renderBridgeTable: which bridged frames are dropped', async t => {
  const cmds = renderBridgeTable([DEFAULT, noIcc(CUSTOM), INTERNAL], false)
  t.equal(bridged(cmds, { src: '10.87.0.2', dst: '10.87.0.3', mac: '02:42:0a:57:00:02' }), 'drop', 'container to container')
  t.equal(bridged(cmds, { src: '10.87.0.3', dst: '10.87.0.2', mac: '02:42:0a:57:00:03' }), 'drop', 'and back')
  t.equal(bridged(cmds, { src: '10.87.0.2', dst: '10.87.0.3', mac: CUSTOM.bridgeMac }), 'pass', 'routed by the host onto the bridge (published port)')
  t.equal(bridged(cmds, { src: '10.87.0.2', dst: '8.8.8.8', mac: '02:42:0a:57:00:02' }), 'pass', 'not to its own subnet')
  t.equal(bridged(cmds, { src: '172.17.0.2', dst: '172.17.0.3', mac: '02:42:ac:11:00:02' }), 'pass', 'a network with ICC')
})
