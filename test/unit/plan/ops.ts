import tap from 'tap'
import { type Op, describeOp, inverse, optional } from '../../../src/plan/ops.js'

const NS = 'berth-web'
const CMDS = [{ add: { table: { family: 'inet', name: 'berth' } } }]
const UNDO = [{ delete: { table: { family: 'inet', name: 'berth' } } }]

/** One op of every kind. */
const ALL: Op[] = [
  { kind: 'netns.create', netns: NS },
  { kind: 'netns.delete', netns: NS },
  { kind: 'link.bridge', name: 'br-0123456789ab', mac: '02:42:01:23:45:67', mtu: 1400, alias: 'berth:n1' },
  { kind: 'link.veth', host: 'veth0a1b2c3', peer: 'eth0', netns: NS, bridge: 'berth0', peerMac: '02:42:ac:11:00:02', alias: 'berth:e1' },
  { kind: 'link.parent', name: 'eth0.10', vlan: { link: 'eth0', id: 10 }, alias: 'berth:n2' },
  { kind: 'link.macvlan', netns: NS, name: 'eth1', parent: 'eth0.10', mode: 'bridge', mac: '02:42:0a:00:00:02', mtu: 1500 },
  { kind: 'link.ipvlan', netns: NS, name: 'eth2', parent: 'eth1', mode: 'l2' },
  { kind: 'link.up', netns: NS, dev: 'lo', alias: 'berth:c1' },
  { kind: 'link.delete', netns: NS, name: 'eth0' },
  { kind: 'addr.add', netns: NS, dev: 'eth0', ip: '172.17.0.2', prefix: 16, broadcast: '172.17.255.255' },
  { kind: 'addr.delete', dev: 'berth0', ip: '172.17.0.1', prefix: 16, broadcast: '172.17.255.255' },
  { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '172.17.0.1', dev: 'eth0' },
  { kind: 'route.delete', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '172.17.0.1', dev: 'eth0' },
  { kind: 'files.write', netns: NS, files: { hosts: 'new' } },
  { kind: 'files.remove', netns: NS },
  { kind: 'nft.apply', commands: CMDS, undo: UNDO },
  { kind: 'link.hairpin', dev: 'veth0a1b2c3' },
  { kind: 'sysctl.set', path: ['net', 'ipv4', 'conf', 'br.lab', 'route_localnet'], value: '1' },
  { kind: 'conntrack.flush', ports: [{ proto: 'udp', port: 5353 }, { proto: 'tcp', port: 8080 }] },
  { kind: 'nft.holes', bridges: ['berth0', 'br-0123456789ab'], previous: ['berth0'] },
]

/** IPv6 off inside a container netns. */
const NETNS_SYSCTL: Op = { kind: 'sysctl.set', netns: NS, path: ['net', 'ipv6', 'conf', 'all', 'disable_ipv6'], value: '1' }

const byKind = (kind: Op['kind']): Op => {
  const op = ALL.find(o => o.kind === kind)
  if (!op) throw new Error(`no fixture for ${kind}`)
  return op
}

tap.test('the fixture covers every kind once', async t => {
  t.equal(new Set(ALL.map(o => o.kind)).size, ALL.length)
  t.equal(ALL.length, 20)
})

tap.test('inverse of every create kind', async t => {
  t.strictSame(inverse(byKind('netns.create')), { kind: 'netns.delete', netns: NS })
  t.strictSame(inverse(byKind('link.bridge')), { kind: 'link.delete', name: 'br-0123456789ab', alias: 'berth:n1' }, 'only the bridge it made')
  t.strictSame(
    inverse(byKind('link.veth')),
    { kind: 'link.delete', name: 'veth0a1b2c3', alias: 'berth:e1' },
    'deletes the host end it made, in the daemon netns',
  )
  t.strictSame(inverse(byKind('link.parent')), { kind: 'link.delete', name: 'eth0.10', alias: 'berth:n2' }, 'only the parent it made')
  t.strictSame(inverse({ kind: 'link.parent', name: 'bv-dummy', alias: 'berth:n3' }), { kind: 'link.delete', name: 'bv-dummy', alias: 'berth:n3' })
  t.strictSame(inverse(byKind('link.macvlan')), { kind: 'link.delete', netns: NS, name: 'eth1' }, 'a child goes in the container netns')
  t.strictSame(inverse(byKind('link.ipvlan')), { kind: 'link.delete', netns: NS, name: 'eth2' })
  t.strictSame(inverse(byKind('addr.add')), {
    kind: 'addr.delete',
    netns: NS,
    dev: 'eth0',
    ip: '172.17.0.2',
    prefix: 16,
    broadcast: '172.17.255.255',
  })
  t.strictSame(inverse(byKind('route.add')), {
    kind: 'route.delete',
    netns: NS,
    dst: '0.0.0.0',
    prefix: 0,
    gateway: '172.17.0.1',
    dev: 'eth0',
  })
})

tap.test('files.write: restores what was there, or removes', async t => {
  t.strictSame(inverse({ kind: 'files.write', netns: NS, files: { hosts: 'new' } }), { kind: 'files.remove', netns: NS })
  t.strictSame(inverse({ kind: 'files.write', netns: NS, files: { hosts: 'new' }, previous: undefined }), { kind: 'files.remove', netns: NS })
  const w: Op = { kind: 'files.write', netns: NS, files: { hosts: 'new', hostname: 'h\n' }, previous: { hosts: 'old' } }
  const inv = inverse(w)
  t.strictSame(inv, { kind: 'files.write', netns: NS, files: { hosts: 'old' }, previous: { hosts: 'new', hostname: 'h\n' } })
  t.strictSame(inv && inverse(inv), w, 'the inverse of the inverse is the original')
})

tap.test('nft.apply swaps commands and undo', async t => {
  const inv = inverse(byKind('nft.apply'))
  t.strictSame(inv, { kind: 'nft.apply', commands: UNDO, undo: CMDS, netns: undefined }, 'the daemon netns')
  t.strictSame(inv && inverse(inv), { ...byKind('nft.apply'), netns: undefined })
})

tap.test('nft.apply in a container netns: the inverse stays in that netns', async t => {
  const op: Op = { kind: 'nft.apply', netns: NS, commands: CMDS, undo: UNDO }
  const inv = inverse(op)
  t.strictSame(inv, { kind: 'nft.apply', netns: NS, commands: UNDO, undo: CMDS })
  t.strictSame(inv && inverse(inv), op, 'the inverse of the inverse is the original')
})

tap.test('nft.holes goes back to the bridges before', async t => {
  const inv = inverse(byKind('nft.holes'))
  t.strictSame(inv, { kind: 'nft.holes', bridges: ['berth0'], previous: ['berth0', 'br-0123456789ab'] })
  t.strictSame(inv && inverse(inv), byKind('nft.holes'))
})

tap.test('route.delete (moving the default route) is undone by adding it back', async t => {
  const del = byKind('route.delete')
  t.strictSame(inverse(del), { kind: 'route.add', netns: NS, dst: '0.0.0.0', prefix: 0, gateway: '172.17.0.1', dev: 'eth0' })
  const inv = inverse(del)
  t.strictSame(inv && inverse(inv), del, 'and route.add back to route.delete: a round trip')
})

tap.test('removals, link.up and device settings have no inverse', async t => {
  // hairpin and route_localnet go away with the device berth made; a flush cannot be undone
  const none = ['link.up', 'netns.delete', 'link.delete', 'addr.delete', 'files.remove', 'link.hairpin', 'sysctl.set', 'conntrack.flush'] as const
  for (const kind of none) {
    t.equal(inverse(byKind(kind)), undefined, kind)
  }
  t.equal(inverse({ kind: 'link.delete', name: 'berth0', alias: 'berth:n1' }), undefined, 'an alias-checked delete neither')
  t.equal(inverse(NETNS_SYSCTL), undefined, 'a sysctl in a container netns neither (it goes with the netns)')
})

tap.test('inverse does not modify its input', async t => {
  const before = JSON.stringify(ALL)
  ALL.forEach(op => inverse(op))
  t.equal(JSON.stringify(ALL), before)
})

tap.test('describeOp names every kind', async t => {
  const want: Record<Op['kind'], string> = {
    'netns.create': 'netns.create berth-web',
    'netns.delete': 'netns.delete berth-web',
    'link.bridge': 'link.bridge br-0123456789ab',
    'link.veth': 'link.veth veth0a1b2c3/berth-web:eth0',
    'link.parent': 'link.parent eth0.10 (vlan 10 of eth0)',
    'link.macvlan': 'link.macvlan eth0.10 → berth-web:eth1 (bridge)',
    'link.ipvlan': 'link.ipvlan eth1 → berth-web:eth2 (l2)',
    'link.up': 'link.up berth-web:lo',
    'link.delete': 'link.delete berth-web:eth0',
    'addr.add': 'addr.add berth-web:eth0 172.17.0.2/16',
    'addr.delete': 'addr.delete :berth0 172.17.0.1/16',
    'route.add': 'route.add berth-web:0.0.0.0/0 via 172.17.0.1',
    'route.delete': 'route.delete berth-web:0.0.0.0/0 via 172.17.0.1',
    'files.write': 'files.write berth-web hosts',
    'files.remove': 'files.remove berth-web',
    'nft.apply': 'nft.apply (1 commands)',
    'link.hairpin': 'link.hairpin veth0a1b2c3',
    'sysctl.set': 'sysctl.set net.ipv4.conf.br.lab.route_localnet=1',
    'conntrack.flush': 'conntrack.flush udp/5353,tcp/8080',
    'nft.holes': 'nft.holes berth0,br-0123456789ab',
  }
  for (const op of ALL) {
    const d = describeOp(op)
    t.type(d, 'string')
    t.equal(d, want[op.kind], op.kind)
  }
  t.equal(describeOp({ kind: 'link.up', dev: 'berth0' }), 'link.up :berth0', 'daemon netns shows as empty')
  t.equal(describeOp({ kind: 'link.delete', name: 'berth0', alias: 'berth:n1' }), 'link.delete :berth0', 'the alias is not part of the description')
  t.equal(describeOp({ kind: 'link.parent', name: 'bv-dummy', alias: 'berth:n3' }), 'link.parent bv-dummy (dummy)', 'a parent without VLAN is a dummy')
  t.equal(describeOp(NETNS_SYSCTL), 'sysctl.set berth-web:net.ipv6.conf.all.disable_ipv6=1', 'a sysctl names its container netns')
  t.equal(describeOp({ ...NETNS_SYSCTL, netns: undefined }), 'sysctl.set net.ipv6.conf.all.disable_ipv6=1', 'the daemon’s own: no prefix')
})

tap.test('optional: an op as a list of one, nothing as an empty list', async t => {
  const op = byKind('conntrack.flush')
  const one = optional(op)
  t.strictSame(one, [op])
  t.equal(one[0], op, 'the op itself, not a copy')
  t.strictSame(optional(undefined), [])
  t.strictSame([byKind('link.hairpin'), ...optional(undefined), ...optional(op)], [byKind('link.hairpin'), op], 'spreads into plans')
})
