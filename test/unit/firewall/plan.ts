import tap from 'tap'
import { containerPorts, firewallNetworks, needsBridgeTable, planFirewall, planFirewallFor, planPortChange, renderFor } from '../../../src/firewall/plan.js'
import { type FirewallPort, portElementCommands, renderPorts } from '../../../src/firewall/ports.js'
import { BERTH_TABLE, renderBridgeTable, renderRuleset } from '../../../src/firewall/render.js'
import type { NftCommand } from '../../../src/kernel/nft.js'
import type { PortMapping } from '../../../src/model/ports.js'
import type { Container, Endpoint, Network, State } from '../../../src/model/types.js'

const net = (id: string, name: string, status: Network['status'], internal = false): Network => ({
  id,
  name,
  driver: 'bridge',
  created: '2026-01-01T00:00:00.000Z',
  subnet: `172.${18 + name.length}.0.0/16`,
  gateway: `172.${18 + name.length}.0.1`,
  userSubnet: false,
  bridge: `br-${id.slice(0, 12)}`,
  internal,
  icc: true,
  masquerade: true,
  attachable: false,
  isDefault: false,
  options: {},
  labels: {},
  status,
})
const A = net('aaaa00000000', 'a', 'ready')
const B = net('bbbb00000000', 'bb', 'creating', true)
const C = net('cccc00000000', 'ccc', 'removing')
const S: State = { networks: [A, B, C], containers: [], poolCursor: 0 }

const ep = (id: string, n: Network, ip: string, status: Endpoint['status'] = 'ready'): Endpoint => ({
  id,
  networkId: n.id,
  ifname: `eth${id.length}`,
  hostIfname: `veth${id}`,
  ip,
  mac: '02:42:00:00:00:00',
  aliases: [],
  status,
})
const port = (hostPort: number, containerPort: number, hostIp = '0.0.0.0', proto: 'tcp' | 'udp' = 'tcp'): PortMapping => ({
  proto,
  containerPort,
  hostIp,
  hostPort,
  requested: { hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPort: String(hostPort) },
})
const ctr = (id: string, endpoints: Endpoint[], ports: PortMapping[], status: Container['status'] = 'ready'): Container => ({
  id,
  name: id,
  hostname: id,
  created: '2026-01-01T00:00:00.000Z',
  mode: 'bridge',
  netns: `berth-${id}`,
  cmd: [],
  endpoints,
  ports,
  links: [],
  nextIfIndex: endpoints.length,
  process: { status: 'created' },
  status,
})
const EA = ep('ea', A, '172.19.0.2')
const EB = ep('eb', B, '172.20.0.2')
const WEB_PORTS = [port(8080, 80), port(5353, 53, '127.0.0.1', 'udp')]
const WEB = ctr('web', [EA], WEB_PORTS)
/** The FirewallPort part of what containerPorts returns. */
const fw = (ps: readonly FirewallPort[]) =>
  ps.map(({ proto, hostIp, hostPort, containerIp, containerPort }) => ({ proto, hostIp, hostPort, containerIp, containerPort }))

tap.test('firewallNetworks: every network not being removed, in state order, with its gateway, options and bridge MAC', async t => {
  const on = { icc: true, masquerade: true }
  t.strictSame(firewallNetworks(S), [
    { name: 'a', bridge: 'br-aaaa00000000', subnet: '172.19.0.0/16', gateway: '172.19.0.1', internal: false, ...on, bridgeMac: '02:42:aa:aa:00:00' },
    { name: 'bb', bridge: 'br-bbbb00000000', subnet: '172.20.0.0/16', gateway: '172.20.0.1', internal: true, ...on, bridgeMac: '02:42:bb:bb:00:00' },
  ])
  const off = firewallNetworks({ ...S, networks: [{ ...A, icc: false }, { ...B, masquerade: false }] })
  t.strictSame(off.map(n => [n.icc, n.masquerade]), [[false, true], [true, false]], 'icc and masquerade come from each network')
  const mac: Network = { ...net('eeee00000000', 'mv', 'ready'), driver: 'macvlan', bridge: '', parent: 'eth0' }
  t.strictSame(firewallNetworks({ ...S, networks: [mac, A] }).map(n => n.name), ['a'], 'macvlan/ipvlan networks have no firewall')
  t.strictSame(containerPorts({ ...S, networks: [mac] }, ctr('m', [ep('em', mac, '172.20.0.5')], WEB_PORTS)), [], 'nor published ports')
})

tap.test('containerPorts: DNAT targets at the endpoint carrying the default route', async t => {
  t.strictSame(fw(containerPorts(S, WEB)), [
    { proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, containerIp: '172.19.0.2', containerPort: 80 },
    { proto: 'udp', hostIp: '127.0.0.1', hostPort: 5353, containerIp: '172.19.0.2', containerPort: 53 },
  ])
  const second = ep('ea2', A, '172.19.0.9')
  const leaving = ctr('x', [{ ...EA, status: 'removing' }, second], WEB_PORTS)
  t.strictSame(fw(containerPorts(S, leaving)).map(p => p.containerIp), ['172.19.0.9', '172.19.0.9'], 'an endpoint being removed does not carry them')
  const creating = ctr('y', [{ ...EA, status: 'creating' }], WEB_PORTS)
  t.strictSame(fw(containerPorts(S, creating)).map(p => p.containerIp), ['172.19.0.2', '172.19.0.2'], 'one being created does')
  t.strictSame(fw(containerPorts(S, ctr('z', [EA, EB], WEB_PORTS))).map(p => p.containerIp), ['172.19.0.2', '172.19.0.2'], 'only the carrier')
  // Docker's rule, not endpoint order: the non-internal network whose name sorts first.
  const Z = net('ffff00000000', 'zz', 'ready')
  const EZ = ep('ez', Z, '172.20.0.9')
  const s: State = { ...S, networks: [Z, A, B] }
  t.strictSame(fw(containerPorts(s, ctr('o', [EZ, EA], WEB_PORTS))).map(p => p.containerIp), ['172.19.0.2', '172.19.0.2'], 'a before zz, whatever the order')
  t.strictSame(fw(containerPorts(s, ctr('o2', [EA, EZ], WEB_PORTS))).map(p => p.containerIp), ['172.19.0.2', '172.19.0.2'])
  t.strictSame(fw(containerPorts(s, ctr('o3', [EB, EZ], WEB_PORTS))).map(p => p.containerIp), ['172.20.0.9', '172.20.0.9'], 'bb is internal: zz wins')
})

tap.test('containerPorts: none on an internal network, without endpoint, or without ports', async t => {
  t.strictSame(containerPorts(S, ctr('i', [EB], WEB_PORTS)), [], 'internal network first: Docker ignores -p there')
  t.strictSame(containerPorts(S, ctr('n', [], WEB_PORTS)), [], 'no endpoint')
  t.strictSame(containerPorts(S, ctr('r', [{ ...EA, status: 'removing' }], WEB_PORTS)), [], 'only an endpoint being removed')
  t.strictSame(containerPorts(S, ctr('u', [ep('eu', net('dddd00000000', 'd', 'ready'), '172.19.0.7')], WEB_PORTS)), [], 'an unknown network')
  t.strictSame(containerPorts(S, ctr('p', [EA], [])), [], 'no ports')
  t.strictSame(containerPorts(S, undefined), [])
  t.strictSame(fw(containerPorts(S, ctr('i2', [EB, EA], WEB_PORTS))).map(p => p.containerIp), ['172.19.0.2', '172.19.0.2'],
    'an internal first endpoint does not carry the route: the normal network does, and the ports with it')
})

/** renderFor without the bridge table it ends with. */
const inetPart = (s: State) => renderFor(s, true).slice(0, -renderBridgeTable(s.bridgeNetfilter ? [] : firewallNetworks(s), true).length)

tap.test('renderFor: the drop policy follows forwardingByBerth', async t => {
  const nets = firewallNetworks(S)
  const bridge = renderBridgeTable(nets, true)
  t.strictSame(renderFor(S, true), [...renderRuleset(nets), ...bridge])
  t.strictSame(renderFor({ ...S, forwardingByBerth: false }, true), [...renderRuleset(nets), ...bridge])
  t.strictSame(renderFor({ ...S, forwardingByBerth: true }, true), [...renderRuleset(nets, { dropOtherForwarding: true }), ...bridge])
  t.notSame(renderFor({ ...S, forwardingByBerth: true }, true), renderFor(S, true))
})

const bridgeFamily = (cmds: NftCommand[]) => cmds.filter(c => JSON.stringify(c).includes('"family":"bridge"'))
const removeOnly = [{ add: { table: { family: 'bridge', name: 'berth' } } }, { delete: { table: { family: 'bridge', name: 'berth' } } }]
const noIcc: State = { ...S, networks: [{ ...A, icc: false }, B, C] }

tap.test('renderFor: the bridge table follows enable_icc=false, unless br_netfilter sees bridged frames', async t => {
  t.strictSame(bridgeFamily(renderFor(S, true)), removeOnly, 'all ICC on: the bridge table is only removed, if it may exist')
  t.strictSame(renderFor(S, true).slice(-2), removeOnly, 'at the end of the batch')
  t.strictSame(bridgeFamily(renderFor(S, false)), [], 'and not named at all when it cannot')
  const nets = firewallNetworks(noIcc)
  for (const may of [true, false]) t.strictSame(renderFor(noIcc, may), [...renderRuleset(nets), ...renderBridgeTable(nets, may)])
  const drops = bridgeFamily(renderFor(noIcc, false)).filter(c => 'rule' in ((c.add ?? {}) as object))
  t.equal(drops.length, 1, 'one drop, for the network without ICC')
  t.match(JSON.stringify(drops), /"172\.19\.0\.0".*"02:42:aa:aa:00:00"/)
  const gone: State = { ...S, networks: [A, B, { ...C, icc: false }] }
  t.strictSame(bridgeFamily(renderFor(gone, true)), removeOnly, 'not for a network being removed')
  for (const s of [noIcc, gone, S]) {
    const bnf: State = { ...s, bridgeNetfilter: true }
    t.strictSame(bridgeFamily(renderFor(bnf, true)), removeOnly, 'br_netfilter: the inet rules see bridged frames')
    t.strictSame(inetPart(bnf), inetPart(s), 'the inet table does not depend on br_netfilter')
    t.strictSame(renderFor({ ...s, bridgeNetfilter: false }, true), renderFor(s, true), 'false is the default')
  }
  t.match(JSON.stringify(inetPart(noIcc)), /enable_icc=false/, 'the inet drop is there either way')
})

tap.test('needsBridgeTable: a live network without ICC and no br_netfilter', async t => {
  t.equal(needsBridgeTable(S), false)
  t.equal(needsBridgeTable(noIcc), true)
  t.equal(needsBridgeTable({ ...noIcc, bridgeNetfilter: true }), false)
  t.equal(needsBridgeTable({ ...S, networks: [A, B, { ...C, icc: false }] }), false, 'not a network being removed')
})

tap.test('renderFor: the ports of every container not being removed', async t => {
  const db = ctr('db', [ep('ed', A, '172.19.0.3')], [port(9000, 90)], 'creating')
  const gone = ctr('gone', [ep('eg', A, '172.19.0.4')], [port(9001, 91)], 'removing')
  const s: State = { ...S, containers: [WEB, gone, db, ctr('i', [EB], [port(9002, 92)])] }
  const want = [...containerPorts(s, WEB), ...containerPorts(s, db)]
  t.equal(want.length, 3)
  t.strictSame(inetPart(s), renderRuleset(firewallNetworks(s), { ports: want }))
  t.notSame(renderFor(s, false), renderFor(S, false))
  t.notOk(JSON.stringify(renderFor(s, false)).includes('9001'), 'not the one being removed')
  t.notOk(JSON.stringify(renderFor(s, false)).includes('9002'), 'not the internal one')
})

tap.test('planFirewall: the table after (before as undo), and the holes for the bridges after', async t => {
  const before: State = { ...S, networks: [A] }
  const after: State = { ...S, networks: [A, B], forwardingByBerth: true }
  t.strictSame(planFirewall(before, after), [
    { kind: 'nft.apply', commands: renderFor(after, false), undo: renderFor(before, false) },
    { kind: 'nft.holes', bridges: ['br-aaaa00000000', 'br-bbbb00000000'], previous: ['br-aaaa00000000'] },
  ])
  t.notSame(renderFor(after, false), renderFor(before, false))
  t.match(planFirewall(S, S)[1], { bridges: ['br-aaaa00000000', 'br-bbbb00000000'] }, 'a network being removed has no hole')
})

tap.test('planFirewall: the bridge table is deleted only when it was there, and named only when it is or was needed', async t => {
  const apply = (before: State, after: State) => planFirewall(before, after)[0] as unknown as { commands: NftCommand[]; undo: NftCommand[] }
  const plain = apply(S, S)
  t.strictSame([bridgeFamily(plain.commands), bridgeFamily(plain.undo)], [[], []], 'no enable_icc=false anywhere: never named')
  const on = apply(S, noIcc)
  t.ok(bridgeFamily(on.commands).some(c => 'rule' in ((c.add ?? {}) as object)), 'turned on: the rules')
  t.strictSame(bridgeFamily(on.undo), removeOnly, 'its undo removes the table again')
  const off = apply(noIcc, S)
  t.strictSame(bridgeFamily(off.commands), removeOnly, 'turned off: the table is removed')
  t.ok(bridgeFamily(off.undo).some(c => 'rule' in ((c.add ?? {}) as object)), 'its undo brings the rules back')
})

tap.test('planFirewallFor: the table and holes a state wants, nothing to undo', async t => {
  const s: State = { ...S, containers: [WEB] }
  for (const exists of [true, false]) {
    t.strictSame(planFirewallFor(s, exists), [
      { kind: 'nft.apply', commands: renderFor(s, exists), undo: [] },
      { kind: 'nft.holes', bridges: ['br-aaaa00000000', 'br-bbbb00000000'], previous: [] },
    ])
  }
  t.strictSame(bridgeFamily(renderFor(s, true)), removeOnly, 'a table left from before is removed')
})

/** The map elements after applying element commands, as `map name → keys → value`. */
const applyElements = (start: Map<string, Map<string, string>>, cmds: readonly NftCommand[]) => {
  const maps = new Map([...start].map(([k, v]) => [k, new Map(v)]))
  for (const c of cmds) {
    const [verb, body] = Object.entries(c)[0] as ['add' | 'delete', { element: { name: string; elem: [unknown, unknown][] } }]
    const m = maps.get(body.element.name)
    if (!m) throw new Error(`no map ${body.element.name}`)
    for (const [k, v] of body.element.elem) {
      const key = JSON.stringify(k)
      if (verb === 'delete' && !m.has(key)) throw new Error(`delete of a missing element ${key}`)
      if (verb === 'add') m.set(key, JSON.stringify(v))
      else m.delete(key)
    }
  }
  return maps
}
/** The four maps, empty, as a fresh table has them. */
const noElements = () => new Map(['pub_any_addr', 'pub_any_port', 'pub_ip_addr', 'pub_ip_port'].map(n => [n, new Map<string, string>()]))
/** The map elements when exactly `ports` are published. */
const elementsOf = (ports: FirewallPort[]) => applyElements(noElements(), portElementCommands(BERTH_TABLE, 'add', ports))

tap.test('planPortChange: publish adds exactly the elements, undo deletes them', async t => {
  const s: State = { ...S, containers: [WEB] }
  const op = planPortChange({ s: S, c: undefined }, { s, c: WEB })
  const ports = containerPorts(s, WEB)
  t.strictSame(op, {
    kind: 'nft.apply',
    commands: portElementCommands(BERTH_TABLE, 'add', ports),
    undo: portElementCommands(BERTH_TABLE, 'delete', ports),
  })
  t.equal(op?.kind === 'nft.apply' && op.commands.length, 4, 'one command per map')
  const unpublish = planPortChange({ s, c: WEB }, { s: S, c: undefined })
  t.strictSame(unpublish, { kind: 'nft.apply', commands: portElementCommands(BERTH_TABLE, 'delete', ports), undo: portElementCommands(BERTH_TABLE, 'add', ports) })
  t.ok(renderPorts(BERTH_TABLE, ports).length > 4, 'while a full render would also bring chains')
})

tap.test('planPortChange: the carrier endpoint changes, the ports are re-pointed', async t => {
  const other = ep('eo', A, '172.19.0.50')
  const before = ctr('web', [EA, other], WEB_PORTS)
  const after = ctr('web', [{ ...EA, status: 'removing' }, other], WEB_PORTS)
  const op = planPortChange({ s: S, c: before }, { s: S, c: after })
  const old = containerPorts(S, before)
  const now = containerPorts(S, after)
  t.strictSame(op, {
    kind: 'nft.apply',
    commands: [...portElementCommands(BERTH_TABLE, 'delete', old), ...portElementCommands(BERTH_TABLE, 'add', now)],
    undo: [...portElementCommands(BERTH_TABLE, 'delete', now), ...portElementCommands(BERTH_TABLE, 'add', old)],
  })
  if (op?.kind !== 'nft.apply') throw new Error('an nft.apply')
  const moved = applyElements(elementsOf(old), op.commands)
  t.strictSame(moved, elementsOf(now), 'the elements end up pointing at the new address')
  t.strictSame(applyElements(moved, op.undo), elementsOf(old), 'undo brings back exactly the old ones')
  t.ok(JSON.stringify([...moved.values()].map(m => [...m.values()])).includes('172.19.0.50'))
})

tap.test('planPortChange: nothing changes → undefined', async t => {
  t.equal(planPortChange({ s: S, c: WEB }, { s: S, c: WEB }), undefined)
  t.equal(planPortChange({ s: S, c: WEB }, { s: S, c: { ...WEB, endpoints: [EA, EB] } }), undefined, 'a second endpoint does not move them')
  t.equal(planPortChange({ s: S, c: undefined }, { s: S, c: ctr('np', [EA], []) }), undefined, 'no ports')
  t.equal(planPortChange({ s: S, c: undefined }, { s: S, c: ctr('in', [EB], WEB_PORTS) }), undefined, 'internal network')
  t.equal(planPortChange({ s: S, c: undefined }, { s: S, c: undefined }), undefined)
})

tap.test('planPortChange: a first endpoint makes the ports live; losing the last one takes them away', async t => {
  const bare = ctr('web', [], WEB_PORTS)
  const live = planPortChange({ s: S, c: bare }, { s: S, c: WEB })
  if (live?.kind !== 'nft.apply') throw new Error('an nft.apply')
  t.strictSame(applyElements(noElements(), live.commands), elementsOf(containerPorts(S, WEB)))
  const dead = planPortChange({ s: S, c: WEB }, { s: S, c: ctr('web', [{ ...EA, status: 'removing' }], WEB_PORTS) })
  if (dead?.kind !== 'nft.apply') throw new Error('an nft.apply')
  t.ok([...applyElements(elementsOf(containerPorts(S, WEB)), dead.commands).values()].every(m => m.size === 0), 'every element deleted')
})

tap.test('planPortChange: undo is the exact inverse, whatever the change', async t => {
  const other = ep('eo', A, '172.19.0.50')
  const moreRoom = ctr('web', [other], [...WEB_PORTS, port(7000, 70)])
  const pairs: [Container | undefined, Container | undefined][] = [
    [undefined, WEB],
    [WEB, undefined],
    [WEB, moreRoom],
    [moreRoom, WEB],
  ]
  for (const [b, a] of pairs) {
    const op = planPortChange({ s: S, c: b }, { s: S, c: a })
    if (op?.kind !== 'nft.apply') throw new Error('an nft.apply')
    const start = elementsOf(containerPorts(S, b))
    const end = applyElements(start, op.commands)
    t.strictSame(end, elementsOf(containerPorts(S, a)), `${b?.id}→${a?.id}: commands reach the after state`)
    t.strictSame(applyElements(end, op.undo), start, `${b?.id}→${a?.id}: undo reaches the before state`)
  }
})
