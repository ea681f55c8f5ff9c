// macvlan and ipvlan networks (oracle appendix, issue 5 §4): the parent is
// a veth in the test's host netns whose other end is a neighbour netns on
// the same segment.
import t from 'tap'
import { digShort } from '../helpers/dns.js'
import { cannotRun, sh, world, type World } from '../helpers/world.js'

const skip = cannotRun()
if (skip) t.plan(0, skip)

/** Whether this kernel can make `type` links (probed in a throwaway netns). */
const kernelHas = (type: string): boolean => {
  const ns = `btk${process.pid}`
  sh(['ip', 'netns', 'add', ns])
  try {
    sh(['ip', '-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1'])
    const args = type === 'vlan' ? ['link', 'p0', 'name', 'p0.5', 'type', 'vlan', 'id', '5'] : ['link', 'p0', 'name', 'c0', 'type', type]
    return sh(['ip', '-n', ns, 'link', 'add', ...args]).code === 0
  } finally {
    sh(['ip', 'netns', 'del', ns])
  }
}

/** lan0 in the host netns (192.0.2.254), its peer in a neighbour netns (192.0.2.10). */
const segment = (t: Parameters<typeof world>[0], w: World): string => {
  const nb = `bt${w.id}n`
  const ip = (...a: string[]) => {
    const r = sh(['ip', ...a])
    if (r.code !== 0) throw new Error(`ip ${a.join(' ')}: ${r.stderr}`)
  }
  ip('netns', 'add', nb)
  t.teardown(() => sh(['ip', 'netns', 'del', nb]))
  ip('-n', nb, 'link', 'set', 'lo', 'up')
  ip('link', 'add', 'lan0', 'netns', w.host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nb)
  ip('-n', w.host, 'addr', 'add', '192.0.2.254/24', 'dev', 'lan0')
  ip('-n', w.host, 'link', 'set', 'lan0', 'up')
  ip('-n', nb, 'addr', 'add', '192.0.2.10/24', 'dev', 'eth0')
  ip('-n', nb, 'link', 'set', 'eth0', 'up')
  return nb
}

t.test('macvlan on a parent: the segment, DNS, and what the host cannot see', async t => {
  const w = await world(t)
  const nb = segment(t, w)
  await w.ok(['network', 'create', '-d', 'macvlan', '--subnet', '192.0.2.0/24', '--gateway', '192.0.2.1', '-o', 'parent=lan0', 'mv'])
  await w.ok(['run', '-d', '--name', 'm1', '--network', 'mv', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'm2', '--network', 'mv', '-p', '8080:80', '--', 'sleep', '300'])
  const eth0 = sh(['ip', '-n', w.ns('m1'), '-d', '-j', 'link', 'show', 'eth0']).stdout
  t.match(eth0, /"info_kind":"macvlan"/, 'eth0 is a macvlan')
  t.match(eth0, /"mode":"bridge"/, 'in bridge mode (the default)')
  t.match(eth0, /"address":"02:42:c0:00:02:02"/, "Docker's MAC")
  t.ok(await w.ping(w.ns('m1'), '192.0.2.3'), 'children reach each other')
  t.ok(await w.ping(w.ns('m1'), '192.0.2.10'), 'and a neighbour on the parent segment')
  t.equal(sh(['ip', 'netns', 'exec', nb, 'ping', '-c1', '-W1', '192.0.2.2']).code, 0, 'the neighbour reaches them')
  t.not(sh(['ip', 'netns', 'exec', w.host, 'ping', '-c1', '-W1', '192.0.2.2']).code, 0, 'the host cannot reach its macvlan children (kernel behaviour)')
  t.same(await digShort(w, 'm1', 'm2'), ['192.0.2.3'], 'the embedded DNS works there too')
  t.equal(await w.ok(['port', 'm2']), '', '-p is discarded on macvlan networks')
  t.equal(sh(['ip', '-n', w.ns('m1'), '-6', 'addr']).stdout, '', 'no IPv6 on the child (CVE-2024-32473)')
  await w.ok(['rm', '-f', 'm1', 'm2'])
  await w.ok(['network', 'rm', 'mv'])
  t.equal(sh(['ip', '-n', w.host, 'link', 'show', 'lan0']).code, 0, "the parent is the user's: left alone")
})

t.test('macvlan without a parent: an internal network of its own', async t => {
  const w = await world(t)
  segment(t, w)
  await w.ok(['network', 'create', '-d', 'macvlan', '--subnet', '192.0.5.0/24', 'island'])
  const net = JSON.parse(await w.ok(['network', 'inspect', 'island']))[0]
  t.equal(net.Internal, true, 'internal, as Docker makes it')
  const dummy = `dm-${(net.Id as string).slice(0, 12)}`
  t.equal(sh(['ip', '-n', w.host, 'link', 'show', dummy]).code, 0, `berth made ${dummy}`)
  await w.ok(['run', '-d', '--name', 'i1', '--network', 'island', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'i2', '--network', 'island', '--', 'sleep', '300'])
  t.ok(await w.ping(w.ns('i1'), '192.0.5.3'), 'its containers reach each other')
  t.notOk(await w.ping(w.ns('i1'), '192.0.2.10'), 'and nothing else')
  await w.ok(['rm', '-f', 'i1', 'i2'])
  await w.ok(['network', 'rm', 'island'])
  t.not(sh(['ip', '-n', w.host, 'link', 'show', dummy]).code, 0, 'removed with the network')
})

t.test('a VLAN parent IF.N', async t => {
  const w = await world(t)
  const nb = segment(t, w)
  if (!kernelHas('vlan')) {
    const r = await w.cli(['network', 'create', '-d', 'macvlan', '--subnet', '192.0.3.0/24', '-o', 'parent=lan0.10', 'tagged'])
    t.match(r.stderr, /this kernel does not support VLAN sub-interfaces \(8021q\)/, 'this kernel has no 802.1Q: a clear error')
    t.notMatch(await w.ok(['network', 'ls']), /tagged/, 'and no network')
    t.not(sh(['ip', '-n', w.host, 'link', 'show', 'lan0.10']).code, 0, 'and no sub-interface')
    return
  }
  sh(['ip', '-n', nb, 'link', 'add', 'link', 'eth0', 'name', 'eth0.10', 'type', 'vlan', 'id', '10'])
  sh(['ip', '-n', nb, 'addr', 'add', '192.0.3.10/24', 'dev', 'eth0.10'])
  sh(['ip', '-n', nb, 'link', 'set', 'eth0.10', 'up'])
  await w.ok(['network', 'create', '-d', 'macvlan', '--subnet', '192.0.3.0/24', '-o', 'parent=lan0.10', 'tagged'])
  t.match(sh(['ip', '-n', w.host, '-d', 'link', 'show', 'lan0.10']).stdout, /vlan protocol 802\.1Q id 10/, 'berth made lan0.10')
  await w.ok(['run', '-d', '--name', 'v1', '--network', 'tagged', '--', 'sleep', '300'])
  t.ok(await w.ping(w.ns('v1'), '192.0.3.10'), 'the neighbour on VLAN 10 answers')
  await w.ok(['rm', '-f', 'v1'])
  await w.ok(['network', 'rm', 'tagged'])
  t.not(sh(['ip', '-n', w.host, 'link', 'show', 'lan0.10']).code, 0, 'lan0.10 is removed with the network')
})

t.test('ipvlan', async t => {
  const w = await world(t)
  segment(t, w)
  await w.ok(['network', 'create', '-d', 'ipvlan', '--subnet', '192.0.2.0/24', '-o', 'parent=lan0', '-o', 'ipvlan_mode=l2', 'ipv'])
  if (!kernelHas('ipvlan')) {
    const r = await w.cli(['run', '-d', '--name', 'p1', '--network', 'ipv', '--', 'sleep', '300'])
    t.match(r.stderr, /this kernel does not support ipvlan interfaces/, 'this kernel has no ipvlan: a clear error')
    t.equal((await w.cli(['inspect', 'p1'])).code, 1, 'and no container')
    return
  }
  await w.ok(['run', '-d', '--name', 'p1', '--network', 'ipv', '--', 'sleep', '300'])
  await w.ok(['run', '-d', '--name', 'p2', '--network', 'ipv', '--', 'sleep', '300'])
  t.ok(await w.ping(w.ns('p1'), '192.0.2.3'), 'children reach each other')
  t.ok(await w.ping(w.ns('p1'), '192.0.2.10'), 'and the neighbour')
})

t.test('bad macvlan/ipvlan requests', async t => {
  const w = await world(t)
  t.match((await w.cli(['network', 'create', '-d', 'macvlan', '-o', 'parent=nosuch0', 'x1'])).stderr, /parent interface nosuch0 does not exist/)
  t.match((await w.cli(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0', '-o', 'macvlan_mode=loud', 'x2'])).stderr, /invalid macvlan_mode "loud": one of bridge, private, vepa, passthru/)
  t.match((await w.cli(['network', 'create', '-d', 'ipvlan', '-o', 'parent=eth0', '-o', 'ipvlan_mode=l9', 'x3'])).stderr, /invalid ipvlan_mode "l9"/)
  t.match((await w.cli(['network', 'create', '-d', 'macvlan', '-o', 'parent=eth0.5000', 'x4'])).stderr, /invalid VLAN id/)
})
