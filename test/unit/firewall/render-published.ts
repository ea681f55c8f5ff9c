/**
 * renderRuleset, the parts that come with published ports: the raw drops
 * (direct access, CVE-2020-8558), the port maps and nat chains, and the
 * forward chain's verdicts for the packets that matter (render.ts has the
 * structure and the snapshots).
 */
import tap from 'tap'
import { type FirewallPort, renderPorts } from '../../../src/firewall/ports.js'
import { BERTH_TABLE, type FirewallNetwork, renderRuleset } from '../../../src/firewall/render.js'
import type { NftCommand } from '../../../src/kernel/nft.js'

/** enable_icc and enable_ip_masquerade as Docker defaults them. */
const ON = { icc: true, masquerade: true } as const
const DEFAULT: FirewallNetwork = { name: 'bridge', bridge: 'berth0', subnet: '172.17.0.0/16', gateway: '172.17.0.1', internal: false, ...ON, bridgeMac: '02:42:00:00:00:01' }
const CUSTOM: FirewallNetwork = { name: 'custom', bridge: 'br-17c77452ce21', subnet: '10.99.0.0/24', gateway: '10.99.0.254', internal: false, ...ON, bridgeMac: '02:42:17:c7:74:52' }
const INTERNAL: FirewallNetwork = { name: 'secret', bridge: 'br-0a1b2c3d4e5f', subnet: '172.20.0.0/16', gateway: '172.20.0.1', internal: true, ...ON, bridgeMac: '02:42:0a:1b:2c:3d' }
const MIX = [DEFAULT, CUSTOM, INTERNAL]
const PORTS: FirewallPort[] = [
  { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.17.0.2', containerPort: 80 },
  { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '10.99.0.2', containerPort: 53 },
]

interface Rule {
  chain: string
  comment: string
  expr: Record<string, unknown>[]
}
const rulesOf = (cmds: NftCommand[], chain: string): Rule[] =>
  cmds.flatMap(c => {
    const r = (c.add as { rule?: Rule } | undefined)?.rule
    return r?.chain === chain ? [r] : []
  })
const m = (op: string, left: unknown, right: unknown) => ({ match: { op, left, right } })
const iif = { meta: { key: 'iifname' } }
const daddr = { payload: { protocol: 'ip', field: 'daddr' } }
const prefix = (cidr: string) => ({ prefix: { addr: cidr.split('/')[0], len: Number(cidr.split('/')[1]) } })

tap.test('raw prerouting: 127.0.0.0/8 only from lo, first', async t => {
  for (const nets of [[], MIX]) {
    const raw = rulesOf(renderRuleset(nets), 'raw_prerouting')
    t.strictSame(raw[0]?.expr, [m('!=', iif, 'lo'), m('==', daddr, prefix('127.0.0.0/8')), { counter: null }, { drop: null }])
    t.match(raw[0]?.comment, /CVE-2020-8558/)
  }
})

tap.test('raw prerouting: each network’s containers only from its bridge, its gateway excepted', async t => {
  const raw = rulesOf(renderRuleset(MIX), 'raw_prerouting')
  t.equal(raw.length, 1 + MIX.length)
  t.strictSame(
    raw.slice(1).map(r => r.expr),
    MIX.map(n => [
      m('==', daddr, prefix(n.subnet)),
      m('!=', daddr, prefix(`${n.gateway}/32`)),
      m('!=', iif, n.bridge),
      { counter: null },
      { drop: null },
    ]),
  )
  t.strictSame(
    raw.slice(1).map(r => r.comment.split(':')[0]),
    ['bridge', 'custom', 'secret'],
    'internal networks too',
  )
})

tap.test('the port maps and nat chains are part of the table, with or without ports', async t => {
  for (const ports of [[], PORTS]) {
    const cmds = renderRuleset(MIX, { ports })
    const own = renderPorts(BERTH_TABLE, ports)
    const at = cmds.findIndex(c => JSON.stringify(c) === JSON.stringify(own[0]))
    t.ok(at > 0, `${ports.length} ports: found`)
    t.strictSame(cmds.slice(at, at + own.length), own, 'as renderPorts makes them, in one piece')
    const firstRaw = cmds.findIndex(c => (c.add as { rule?: Rule } | undefined)?.rule?.chain === 'raw_prerouting')
    const firstForward = cmds.findIndex(c => (c.add as { rule?: Rule } | undefined)?.rule?.chain === 'forward')
    t.ok(firstRaw < at && at + own.length <= firstForward, 'after the raw rules, before the forward rules')
  }
  t.strictSame(renderRuleset(MIX), renderRuleset(MIX, { ports: [] }), 'no ports is the default')
  t.strictSame(renderRuleset(MIX, { ports: undefined }), renderRuleset(MIX))
})

tap.test('ports change nothing but the map elements', async t => {
  const plain = renderRuleset(MIX)
  const withPorts = renderRuleset(MIX, { ports: PORTS })
  t.equal(withPorts.length, plain.length)
  const differs = withPorts.flatMap((c, i) => (JSON.stringify(c) === JSON.stringify(plain[i]) ? [] : [i]))
  t.equal(differs.length, 4, 'one command per map')
  t.ok(
    differs.every(i => 'map' in ((withPorts[i]?.add ?? {}) as object)),
    'and each is an add map',
  )
  const one = renderRuleset(MIX, { ports: [PORTS[0] as FirewallPort] })
  t.equal(one.filter((c, i) => JSON.stringify(c) !== JSON.stringify(plain[i])).length, 2, 'only 0.0.0.0 ports: only the two any maps')
})

tap.test('another table gets the same raw and nat parts', async t => {
  const cmds = renderRuleset([DEFAULT], { ports: PORTS }, { family: 'ip', name: 'bt-x' })
  t.notOk(cmds.some(c => JSON.stringify(c).includes('"table":"berth"')))
  t.equal(rulesOf(cmds, 'raw_prerouting').length, 2)
  t.equal(rulesOf(cmds, 'published').length, 2)
})

/** The forward chain's verdict for a packet, read from the rules as nft would. */
interface Packet {
  iif: string
  oif: string
  state?: 'new' | 'established'
  dnat?: boolean
}
const forwardVerdict = (cmds: NftCommand[], p: Packet): string => {
  const bridges = (cmds.map(c => (c.add as { set?: { name: string; elem?: string[] } } | undefined)?.set).find(s => s?.name === 'bridges')?.elem ?? [])
  const holds = (e: Record<string, unknown>): boolean => {
    const { op, left, right } = (e as { match: { op: string; left: Record<string, { key: string }>; right: unknown } }).match
    const key = left.meta?.key ?? left.ct?.key
    const value = key === 'iifname' ? p.iif : key === 'oifname' ? p.oif : undefined
    let hit: boolean
    if (value !== undefined) hit = right === '@bridges' ? bridges.includes(value) : right === value
    else if (key === 'state') hit = (right as string[]).includes(p.state ?? 'new')
    else if (key === 'status' && right === 'dnat') hit = p.dnat === true
    else throw new Error(`unknown match ${JSON.stringify(e)}`)
    return op === '!=' ? !hit : hit
  }
  for (const r of rulesOf(cmds, 'forward')) {
    if (r.expr.slice(0, -2).every(holds)) return Object.keys(r.expr.at(-1) ?? {})[0] ?? '?'
  }
  return 'policy'
}

tap.test('forward: what reaches a container and what does not', async t => {
  const cmds = renderRuleset(MIX, { ports: PORTS })
  const cases: [string, Packet, string][] = [
    ['outside → container, new', { iif: 'eth0', oif: 'berth0' }, 'drop'],
    ['outside → container via a published port', { iif: 'eth0', oif: 'berth0', dnat: true }, 'accept'],
    ['outside → container, reply', { iif: 'eth0', oif: 'berth0', state: 'established' }, 'accept'],
    ['container → outside', { iif: 'berth0', oif: 'eth0' }, 'accept'],
    ['same network', { iif: CUSTOM.bridge, oif: CUSTOM.bridge }, 'accept'],
    ['hairpin to a published port', { iif: 'berth0', oif: 'berth0', dnat: true }, 'accept'],
    ['another network, directly', { iif: CUSTOM.bridge, oif: 'berth0' }, 'drop'],
    ['another network via a published port', { iif: CUSTOM.bridge, oif: 'berth0', dnat: true }, 'accept'],
    ['internal → outside', { iif: INTERNAL.bridge, oif: 'eth0' }, 'drop'],
    ['outside → internal', { iif: 'eth0', oif: INTERNAL.bridge }, 'drop'],
    ['inside an internal network', { iif: INTERNAL.bridge, oif: INTERNAL.bridge }, 'accept'],
    ['not berth’s traffic', { iif: 'eth0', oif: 'eth1' }, 'policy'],
  ]
  for (const [what, p, want] of cases) t.equal(forwardVerdict(cmds, p), want, what)
  const before = renderRuleset([DEFAULT])
  t.equal(forwardVerdict(before, { iif: CUSTOM.bridge, oif: 'eth0' }), 'policy', 'a bridge not (yet) in the table is not berth’s')
})
